// Issue 19: DNS rebinding. A page on an attacker's name that resolves to 127.0.0.1 is same-origin with
// itself (its Origin and Host agree), so only the Host allow-list tells it apart: 421 before anything runs.
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraHandler } from '../../src/index.js';
import { type App, cookieAuth, emulator, KEY, startApp } from '../support.js';

let emu: RunningEmulator;
let app: App;
let port: string;
beforeAll(async () => {
  emu = await emulator();
  app = await startApp({ baseUrl: emu.url });
  port = new URL(app.url).port;
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

/** A request as the rebound page sends it: its own name in Host and Origin, the victim's cookie. */
const rebound = (
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) =>
  app.handler(
    new Request(`http://attacker.example:${port}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        host: `attacker.example:${port}`,
        origin: `http://attacker.example:${port}`,
        'sec-fetch-site': 'same-origin',
        cookie: 'session=alice',
        ...init.headers,
      },
      body: init.body ?? null,
    }),
  );

describe('a rebound page (attacker name → 127.0.0.1) reaches nothing', () => {
  test('reads, creates and deletes are 421 unknown_host, and the API is never called', async () => {
    const video = await app.client('alice').videos.create({ prompt: 'private prompt' });
    emu.clearRequests();
    const answers = [
      await rebound('/api/sora/v1/videos'),
      await rebound(`/api/sora/v1/videos/${video.id}`),
      await rebound('/api/sora/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"on your key"}',
      }),
      await rebound(`/api/sora/v1/videos/${video.id}`, { method: 'DELETE' }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBe(421);
      expect((await answer.json()).error.code).toBe('unknown_host');
    }
    expect(emu.requests()).toEqual([]);
  });

  test('over a real socket too, and with X-Forwarded-Host naming the attacker', async () => {
    const viaSocket = await fetch(`${app.url}/api/sora/v1/videos`, {
      headers: { cookie: 'session=alice', 'x-forwarded-host': 'attacker.example' },
    });
    expect(viaSocket.status).toBe(421);
    // The app's own loopback name still works (development).
    expect((await app.as('alice', '/api/sora/v1/videos')).status).toBe(200);
  });

  test('allowedHosts names the public host (and .domain its subdomains); loopback passes only outside production', async () => {
    const handler = createSoraHandler({
      apiKey: KEY,
      baseUrl: emu.url,
      authorize: cookieAuth,
      allowedHosts: ['app.example.com', '.example.net'],
    });
    const ask = (host: string) =>
      handler(
        new Request(`http://${host}/api/sora/v1/videos`, { headers: { host, cookie: 'session=alice' } }),
      );
    expect((await ask('app.example.com')).status).toBe(200);
    expect((await ask('a.b.example.net:8443')).status).toBe(200);
    expect((await ask('example.net')).status).toBe(200);
    expect((await ask('evil-example.net')).status).toBe(421);
    expect((await ask('app.example.com.attacker.example')).status).toBe(421);
    const before = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      const production = createSoraHandler({
        apiKey: KEY,
        baseUrl: emu.url,
        authorize: cookieAuth,
        trustedOrigins: ['https://app.example.com'],
      });
      const local = await production(
        new Request('http://127.0.0.1/api/sora/v1/videos', { headers: { cookie: 'session=alice' } }),
      );
      expect(local.status).toBe(421);
      const own = await production(
        new Request('https://app.example.com/api/sora/v1/videos', { headers: { cookie: 'session=alice' } }),
      );
      expect(own.status).toBe(200);
    } finally {
      process.env.NODE_ENV = before;
    }
  });

  test('the verdicts it remembers cannot be flooded: 600 unknown names, then long ones, change no answer', async () => {
    const handler = createSoraHandler({
      apiKey: KEY,
      baseUrl: emu.url,
      authorize: cookieAuth,
      allowedHosts: ['app.example.com'],
    });
    const ask = (host: string) =>
      handler(
        new Request('http://app.example.com/api/sora/v1/videos', {
          headers: { host, cookie: 'session=alice' },
        }),
      );
    expect((await ask('app.example.com')).status).toBe(200);
    // More names than the remembered verdicts hold: each is refused, and the allowed name still passes
    // once they have pushed its verdict out.
    for (let i = 0; i < 600; i++) expect((await ask(`n${i}.attacker.example`)).status).toBe(421);
    expect((await ask('app.example.com')).status).toBe(200);
    // Names longer than DNS allows are judged each time: refused, however often sent.
    const long = `${'a'.repeat(300)}.attacker.example`;
    for (let i = 0; i < 3; i++) expect((await ask(long)).status).toBe(421);
    expect((await ask('app.example.com')).status).toBe(200);
  });
});
