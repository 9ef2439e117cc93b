/**
 * The emulator's fetch handler in workerd, Cloudflare's runtime (through Miniflare 3, which ships the
 * workerd binary in its npm dependencies). The built package is bundled the way a Worker would import
 * it (esbuild, worker conditions), then a create → poll → download round trip runs over dispatchFetch.
 *
 * workerd forbids code generation from strings (`new Function`, `eval`); the probe below shows it does
 * here too, so the round trip succeeding shows the request validators are precompiled.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, packageDir } from './test-support/bin-process.js';

/**
 * A Worker as a user would write one. The app is made on the first request: workerd allows random
 * values (the link-signing secret) only while handling one.
 */
const WORKER = `
import { createEmulatorApp } from './dist/portable.js';

let app;
export default {
  async fetch(request, env) {
    if (new URL(request.url).pathname === '/__probe') {
      const tries = {};
      for (const [name, run] of [['new Function', () => new Function('return 1')()], ['eval', () => (0, eval)('1')]]) {
        try {
          run();
          tries[name] = 'allowed';
        } catch (error) {
          tries[name] = String(error.message);
        }
      }
      return Response.json(tries);
    }
    app ??= createEmulatorApp({ jobSeconds: 0.2, quiet: true });
    return app.fetch(request, env);
  },
};
`;

let bundle = '';
/** The emulator alone (the portable entry), to search for code generation. */
let emulatorBundle = '';
let mf: Miniflare;
const ORIGIN = 'http://emulator.test';
const auth = { authorization: 'Bearer sk-workerd' };

/** Bundles `contents` (resolved from the package) the way wrangler bundles a Worker for workerd. */
async function bundleFor(contents: string): Promise<string> {
  const result = await build({
    stdin: { contents, resolveDir: packageDir, sourcefile: 'worker.js', loader: 'js' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    conditions: ['workerd', 'worker', 'browser'],
    mainFields: ['browser', 'module', 'main'],
    logLevel: 'silent',
  });
  return result.outputFiles[0]?.text ?? '';
}

beforeAll(async () => {
  ensureBuilt();
  bundle = await bundleFor(WORKER);
  emulatorBundle = await bundleFor("export * from './dist/portable.js';");
  mf = new Miniflare({ modules: true, script: bundle, compatibilityDate: '2024-09-23' });
  await mf.ready;
}, 120_000);

afterAll(async () => {
  await mf?.dispose();
});

async function json<T>(path: string, init: RequestInit = {}): Promise<{ status: number; body: T }> {
  const response = await mf.dispatchFetch(`${ORIGIN}${path}`, init as never);
  return { status: response.status, body: (await response.json()) as T };
}

describe('in workerd (Miniflare 3)', () => {
  it('runs the workerd binary from an npm package, not a download', () => {
    const fromMiniflare = createRequire(createRequire(join(packageDir, 'package.json')).resolve('miniflare'));
    const binary = (fromMiniflare('workerd') as { default: string }).default;
    expect(binary).toMatch(/node_modules[\\/]@cloudflare[\\/]workerd-[a-z0-9-]+[\\/]bin[\\/]workerd/);
    expect(existsSync(binary)).toBe(true);
  });

  it('forbids new Function and eval there, and the bundle contains neither', async () => {
    const probe = await json<Record<string, string>>('/__probe');
    expect(probe.body['new Function']).toMatch(/disallowed/i);
    expect(probe.body.eval).toMatch(/disallowed/i);
    expect(emulatorBundle).toContain('createEmulatorApp');
    expect(emulatorBundle).not.toMatch(/new Function\s*\(/);
    expect(emulatorBundle).not.toMatch(/\beval\s*\(/);
    expect(emulatorBundle).not.toMatch(/from\s*["']node:/);
  });

  it('creates (JSON and multipart), validates, polls to completed and downloads the MP4', async () => {
    const created = await json<{ id: string; status: string; size: string }>('/v1/videos', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'a tiger in workerd', seconds: '4', size: '1280x720' }),
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({ status: 'queued', size: '1280x720' });

    const invalid = await json<{ error: { param: string; code: string } }>('/v1/videos', {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'p', seconds: '5' }),
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ param: 'seconds', code: 'invalid_value' });

    const form = new FormData();
    form.append('prompt', 'a form in workerd');
    form.append('__proto__[model]', 'sora-evil');
    const polluting = await json<{ error: { param: string } }>('/v1/videos', {
      method: 'POST',
      headers: auth,
      body: form,
    });
    expect(polluting.status).toBe(400);
    expect(polluting.body.error.param).toBe('__proto__[model]');

    let status = created.body.status;
    for (let i = 0; i < 200 && status !== 'completed'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      status = (await json<{ status: string }>(`/v1/videos/${created.body.id}`, { headers: auth })).body
        .status;
    }
    expect(status).toBe('completed');

    const content = await mf.dispatchFetch(`${ORIGIN}/v1/videos/${created.body.id}/content`, {
      headers: auth,
    });
    expect(content.status).toBe(200);
    expect(content.headers.get('content-type')).toBe('video/mp4');
    const bytes = new Uint8Array(await content.arrayBuffer());
    expect(String.fromCharCode(...bytes.subarray(4, 8))).toBe('ftyp');
    expect(bytes.byteLength).toBeGreaterThan(1000);

    const listed = await json<{ data: { id: string }[] }>('/v1/videos', { headers: auth });
    expect(listed.body.data.map((v) => v.id)).toContain(created.body.id);
  });
});
