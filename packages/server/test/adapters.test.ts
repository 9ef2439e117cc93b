// The README's Hono, Express and Workers snippets, run as written against the emulator: real `hono` on
// @hono/node-server, real `express`, and real workerd (Miniflare 3).
import { createServer } from 'node:http';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { RunningEmulator } from '@sora-kit/emulator';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, test } from 'vitest';
import { AUTH_MODULE, exercise, scratch, snippet } from './snippets.js';
import { closeServer, emulator, KEY, listen } from './support.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await emulator({ jobSeconds: 0.2 });
  process.env.SORA_API_KEY = KEY;
  process.env.SORA_BASE_URL = emu.url;
});
afterAll(async () => {
  delete process.env.SORA_API_KEY;
  delete process.env.SORA_BASE_URL;
  await emu?.close();
});

describe('README snippets', () => {
  test('Hono', async () => {
    const project = await scratch({ 'app.ts': await snippet('hono'), 'auth.ts': AUTH_MODULE });
    const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
      import(join(project.dir, 'app.ts')).then(({ default: app }) => {
        const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s));
      });
    });
    try {
      const address = server.address() as { port: number };
      await exercise(`http://127.0.0.1:${address.port}`, { putStatus: 405 });
    } finally {
      await new Promise((r) => server.close(r));
      await project.remove();
    }
  });

  test('Express', async () => {
    const project = await scratch({ 'app.ts': await snippet('express'), 'auth.ts': AUTH_MODULE });
    const { app } = await import(join(project.dir, 'app.ts'));
    const server = createServer(app);
    try {
      await exercise(await listen(server));
    } finally {
      await closeServer(server);
      await project.remove();
    }
  });

  test('Cloudflare Workers (Miniflare 3, real workerd)', async () => {
    const project = await scratch({ 'worker.ts': await snippet('workers'), 'auth.ts': AUTH_MODULE });
    const bundle = await build({
      entryPoints: [join(project.dir, 'worker.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      conditions: ['workerd', 'worker', 'browser'],
      target: 'es2022',
      write: false,
    });
    const mf = new Miniflare({
      modules: true,
      script: bundle.outputFiles[0]!.text,
      compatibilityDate: '2024-09-23',
      bindings: { SORA_API_KEY: KEY, SORA_BASE_URL: emu.url },
      host: '127.0.0.1',
      port: 0,
    });
    try {
      const url = await mf.ready;
      await exercise(url.origin);
    } finally {
      await mf.dispose();
      await project.remove();
    }
  });
});
