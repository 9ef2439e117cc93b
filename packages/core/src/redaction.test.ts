import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraClient } from './index.js';
import { KEY, useEmulator } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';

const t = useEmulator();
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ apiKey: 'sk-the-right-one-0000' });
});
afterAll(() => gw.close());

/** Every way a value can be shown. */
const views = (value: unknown) => [
  String(value),
  (value as Error)?.stack ?? '',
  JSON.stringify(value) ?? '',
  inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }),
  inspect((value as Error)?.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
];

describe('the API key never shows', () => {
  test('not in the client, however it is inspected', () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: t.emu.url });
    for (const view of views(client)) expect(view).not.toContain(KEY);
    for (const view of views(client.videos)) expect(view).not.toContain(KEY);
  });

  test('not in an error whose message, body and headers echo it', async () => {
    // This gateway answers a wrong key with "Incorrect API key provided: <key>".
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 });
    const error = await client.videos.retrieve('video_1').catch((e) => e);
    expect(error.status).toBe(401);
    expect(error.message).toContain('[redacted]');
    for (const view of views(error)) expect(view).not.toContain(KEY);
    gw.canned.push({
      status: 500,
      headers: { 'x-echo': `you sent ${KEY}` },
      body: { error: { message: KEY, type: KEY } },
    });
    const echoed = await client.videos.retrieve('video_1').catch((e) => e);
    expect(echoed.headers.get('x-echo')).toBe('you sent [redacted]');
    for (const view of views(echoed)) expect(view).not.toContain(KEY);
  });

  test('not in errors of every other kind', async () => {
    const errors = [
      await createSoraClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
        .videos.retrieve('video_1')
        .catch((e) => e),
      await t.client.videos.retrieve('video_missing').catch((e) => e),
      await t.client.videos.create({ prompt: 'a', seconds: '5' as never }).catch((e) => e),
      await t.client.videos.retrieve('video_1', { signal: AbortSignal.abort() }).catch((e) => e),
      await createSoraClient({ apiKey: `${KEY}\r\n`, baseUrl: gw.url })
        .videos.retrieve('video_1')
        .catch((e) => e),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      for (const view of views(error)) expect(view).not.toContain(KEY);
    }
  });

  test('not sent to the emulator log or anywhere but the Authorization header', async () => {
    await t.client.videos.create({ prompt: 'a tiger' });
    expect(JSON.stringify(t.emu.requests())).not.toContain(KEY);
  });
});
