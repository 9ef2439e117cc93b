import { afterEach, describe, expect, test, vi } from 'vitest';
import { createSoraClient } from './index.js';
import { runtimeMayCache } from './operation.js';
import { KEY, useEmulator } from './test-support/emulator.js';

// Status reads must never come from an HTTP cache. Where one may exist they carry `cache: 'no-store'`;
// Node's own fetch keeps none, and there the option would only add two headers to every status request.

describe('which runtimes may answer from an HTTP cache', () => {
  test.each([
    ['Node', { process: { versions: { node: '20.20.0' } } }, false],
    ['Deno', { Deno: { version: {} } }, false],
    ['Bun', { Bun: {}, process: { versions: { node: '22.6.0' } } }, false],
    ['a browser page', { document: {}, navigator: { userAgent: 'Mozilla/5.0' } }, true],
    ['a service or web worker', { WorkerGlobalScope: class {}, caches: {} }, true],
    [
      'an Electron renderer (Node and a page)',
      { process: { versions: { node: '20.0.0' } }, document: {} },
      true,
    ],
    [
      'Cloudflare Workers, even with nodejs_compat',
      { process: { versions: { node: '22.0.0' } }, caches: { default: {} } },
      true,
    ],
    ['Deno, which has a CacheStorage but no HTTP cache in fetch', { Deno: {}, caches: {} }, false],
    ['a runtime not known here', {}, true],
  ])('%s: %s', (_, globals, caches) => {
    expect(Boolean(runtimeMayCache(globals))).toBe(caches);
  });

  test('this test runs in Node', () => {
    expect(Boolean(runtimeMayCache())).toBe(false);
  });
});

describe('status reads', () => {
  const t = useEmulator({ jobSeconds: 0.3 });
  afterEach(() => vi.unstubAllGlobals());

  test("with Node's own fetch: no `cache` option, so no Cache-Control or Pragma request header", async () => {
    const seen: (RequestInit | undefined)[] = [];
    const real = globalThis.fetch;
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init?: RequestInit) => {
      seen.push(init);
      return real(input, init);
    });
    const client = createSoraClient({ apiKey: KEY, baseUrl: t.emu.url });
    const video = await client.videos.createAndPoll({ prompt: 'a' });
    await client.videos.retrieve(video.id);
    await client.videos.list({ limit: 1 });
    const gets = seen.filter((init) => init?.method === 'GET');
    expect(gets.length).toBeGreaterThan(2);
    for (const init of gets) {
      expect(init?.cache).toBeUndefined();
      expect(Object.keys(init?.headers ?? {}).map((h) => h.toLowerCase())).not.toContain('cache-control');
    }
  });

  test('with a fetch you pass (it may keep a cache): `no-store` on every status read', async () => {
    const modes: string[] = [];
    const client = createSoraClient({
      apiKey: KEY,
      baseUrl: t.emu.url,
      fetch: (input, init) => {
        if (init?.method === 'GET') modes.push(String(init.cache));
        return fetch(input, init);
      },
    });
    const video = await client.videos.createAndPoll({ prompt: 'a' });
    await client.videos.retrieve(video.id);
    expect(modes.length).toBeGreaterThan(1);
    expect(new Set(modes)).toEqual(new Set(['no-store']));
  });

  test('with a fetch passed for one call only: `no-store` too', async () => {
    const modes: string[] = [];
    const { id } = await t.client.videos.create({ prompt: 'a' });
    await t.client.videos.retrieve(id, {
      fetch: (input, init) => {
        modes.push(String(init?.cache));
        return fetch(input, init);
      },
    });
    expect(modes).toEqual(['no-store']);
  });
});
