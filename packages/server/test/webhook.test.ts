// createWebhookHandler against the emulator's real, signed deliveries: verified over the raw bytes,
// onEvent awaited (2xx when it resolves, 500 when it throws so the sender retries), replays dropped.
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { createSoraClient, type VideoWebhookEvent } from '@sora-kit/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createWebhookHandler } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';
import { closeServer, emulator, listen } from './support.js';

const raw = Buffer.from('a webhook secret of 32 bytes....');
const secret = `whsec_${raw.toString('base64')}`;
const sign = (id: string, timestamp: number, body: string) =>
  `v1,${createHmac('sha256', raw).update(`${id}.${timestamp}.${body}`).digest('base64')}`;

let server: Server;
let url: string;
const handled: VideoWebhookEvent[] = [];
let failNext = 0;
beforeAll(async () => {
  const handler = createWebhookHandler({
    secret,
    logger: { error() {} },
    onEvent: async (event) => {
      await new Promise((r) => setTimeout(r, 10)); // awaited: the answer waits for it
      if (failNext > 0) {
        failNext--;
        throw new Error('database down');
      }
      handled.push(event);
    },
  });
  server = createServer(toNodeListener(handler));
  url = `${await listen(server)}/hooks/sora`;
});
afterAll(() => closeServer(server));

const deliver = (
  id: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000),
  signature = sign(id, timestamp, body),
) =>
  fetch(url, {
    method: 'POST',
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': signature,
      'content-type': 'application/json',
    },
    body,
  });

describe('createWebhookHandler', () => {
  test("the emulator's signed deliveries are handled, typed", async () => {
    const emu = await emulator({ jobSeconds: 0.2, webhook: { url, secret } });
    try {
      const client = createSoraClient({ apiKey: 'sk-test-Zq8vN3kLp0Wx7Rt2-server', baseUrl: emu.url });
      const done = await client.videos.createAndPoll({ prompt: 'hooked' });
      await client.videos.create({ prompt: 'a [moderation-block] one' });
      await expect
        .poll(() => handled.map((e) => e.type).sort(), { timeout: 10_000 })
        .toEqual(['video.completed', 'video.failed']);
      expect(handled.find((e) => e.type === 'video.completed')!.data.id).toBe(done.id);
      await expect
        .poll(() => emu.webhookDeliveries().every((d) => JSON.stringify(d).includes('204')), {
          timeout: 5000,
        })
        .toBe(true);
    } finally {
      await emu.close();
    }
  });

  test('forged, stale and unsigned deliveries are 400s and never run onEvent', async () => {
    const before = handled.length;
    const body =
      '{"id":"evt_1","object":"event","created_at":1,"type":"video.completed","data":{"id":"video_x"}}';
    expect((await deliver('msg_f', body, undefined, 'v1,AAAA')).status).toBe(400);
    const old = Math.floor(Date.now() / 1000) - 3600;
    expect((await deliver('msg_old', body, old)).status).toBe(400);
    expect((await fetch(url, { method: 'POST', body })).status).toBe(400);
    // Signed over other bytes (re-serialised JSON): refused.
    const signed = sign('msg_b', Math.floor(Date.now() / 1000), body);
    expect(
      (await deliver('msg_b', JSON.stringify(JSON.parse(body), null, 1), undefined, signed)).status,
    ).toBe(400);
    expect((await fetch(url)).status).toBe(405);
    expect(handled.length).toBe(before);
  });

  test('a throwing onEvent is a 500; the retry runs it again; a replay after success does not', async () => {
    const before = handled.length;
    const body =
      '{"id":"evt_2","object":"event","created_at":1,"type":"video.failed","data":{"id":"video_y"}}';
    failNext = 1;
    const first = await deliver('msg_retry', body);
    expect(first.status).toBe(500);
    expect(await first.text()).not.toContain('database');
    expect((await deliver('msg_retry', body)).status).toBe(204); // the sender's retry
    expect(handled.length).toBe(before + 1);
    expect((await deliver('msg_retry', body)).status).toBe(204); // a replay: answered, not run
    expect(handled.length).toBe(before + 1);
  });
});
