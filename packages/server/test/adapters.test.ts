// The README's Hono, Express and Workers snippets, run as written against the emulator: real `hono` on
// @hono/node-server, real `express`, and real workerd (Miniflare 3).
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { RunningEmulator } from '@sora-kit/emulator';
import { build } from 'esbuild';
import { Miniflare } from 'miniflare';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
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
  test('Hono, served on Node by the snippet itself', async () => {
    const project = await scratch({ 'app.ts': await snippet('hono'), 'auth.ts': AUTH_MODULE });
    // As a user would start it with PORT set: here a free port, which the snippet's log line names.
    process.env.PORT = '0';
    const logged = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { server } = (await import(join(project.dir, 'app.ts'))) as { server: Server };
    try {
      if (!server.listening) await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      await vi.waitFor(() => expect(logged).toHaveBeenCalledWith(`listening on http://localhost:${port}`));
      await exercise(`http://127.0.0.1:${port}`, { putStatus: 405 });
    } finally {
      logged.mockRestore();
      delete process.env.PORT;
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
