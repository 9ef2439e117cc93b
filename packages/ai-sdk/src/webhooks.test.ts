import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LoadSettingError } from '@ai-sdk/provider';
import { type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { experimental_generateVideo as generateVideo } from 'ai';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSora } from './index.js';
import { KEY } from './test-support/emulator.js';

// The AI SDK's `webhook` option: the emulator (as a gateway) sends signed Standard Webhooks events to a
// receiver; the receiver hands each delivery to whoever waits on it, as an app's webhook route would.
const SECRET = `whsec_${Buffer.from('the gateway signs with this key!').toString('base64')}`;

interface Delivery {
  headers: Record<string, string>;
  body: string;
}

/** A webhook route on a real HTTP server: every delivery is queued; `next()` takes the oldest or waits. */
class Receiver {
  readonly queue: Delivery[] = [];
  readonly waiting: ((delivery: Delivery) => void)[] = [];
  server!: Server;
  url = '';
  async start() {
    this.server = createServer(async (req, res) => {
      let body = '';
      for await (const chunk of req) body += chunk;
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)]));
      this.push({ headers, body });
      res.end('ok');
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks/sora`;
  }
  push(delivery: Delivery) {
    const waiter = this.waiting.shift();
    if (waiter) waiter(delivery);
    else this.queue.push(delivery);
  }
  next(): Promise<Delivery> {
    const queued = this.queue.shift();
    return queued ? Promise.resolve(queued) : new Promise((resolve) => this.waiting.push(resolve));
  }
  /** Posts a delivery to the route over HTTP, as an attacker (or another sender) would. */
  async post(body: string, headers: Record<string, string>) {
    await fetch(this.url, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json', ...headers },
    });
  }
}

/** Standard Webhooks headers for `body`, signed with `secret` at `timestamp`. */
function signed(body: string, secret: string, timestamp = Math.floor(Date.now() / 1000)) {
  const id = `msg_${Math.random().toString(36).slice(2)}`;
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const signature = createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64');
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': `v1,${signature}` };
}

const receiver = new Receiver();
let emu: RunningEmulator;
beforeAll(async () => {
  await receiver.start();
  emu = await startEmulator({
    jobSeconds: 1.5,
    apiKey: KEY,
    quiet: true,
    webhook: { url: receiver.url, secret: SECRET, retryDelayMs: 50 },
  });
});
afterAll(async () => {
  await emu?.close();
  receiver.server?.close();
});
beforeEach(() => emu.clearRequests());

const sora = () => createSora({ apiKey: KEY, baseURL: emu.url, webhookSecret: SECRET });
const statusChecks = () =>
  emu.requests().filter((r) => r.method === 'GET' && /^\/v1\/videos\/video_\w+$/.test(r.path));

describe('the AI SDK’s webhook option', () => {
  test('the verified video.completed event ends the wait: no polling, one status check', async () => {
    let factoryCalls = 0;
    const { video } = await generateVideo({
      model: sora().video('sora-2'),
      prompt: 'announced by a webhook',
      // Polling alone would take a minute: only the webhook can end this quickly.
      poll: { intervalMs: 60_000, timeoutMs: 60_000 },
      webhook: async () => {
        factoryCalls++;
        return { url: receiver.url, received: receiver.next() };
      },
    });
    expect(video.mediaType).toBe('video/mp4');
    expect(statusChecks()).toHaveLength(1);
    expect(factoryCalls).toBeGreaterThanOrEqual(1);
  });

  test('forged, replayed and other jobs’ deliveries are passed over; only the job’s own signed event counts', async () => {
    const run = generateVideo({
      model: sora().video('sora-2'),
      prompt: 'attacked while it renders',
      poll: { intervalMs: 60_000, timeoutMs: 60_000 },
      webhook: async () => ({ url: receiver.url, received: receiver.next() }),
    });
    while (!emu.requests().some((r) => r.method === 'POST' && r.status === 200)) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const job = emu.videos().find((v) => v.prompt === 'attacked while it renders')!;
    const event = (id: string) =>
      JSON.stringify({ id: 'evt_x', object: 'event', created_at: 1, type: 'video.completed', data: { id } });
    // Each of these, if believed, would make the AI SDK check a job that is still rendering, and fail.
    const forged = `whsec_${Buffer.from('an attacker guesses another key').toString('base64')}`;
    await receiver.post(event(job.id), signed(event(job.id), forged));
    await receiver.post(event(job.id), signed(event(job.id), SECRET, Math.floor(Date.now() / 1000) - 3600));
    await receiver.post(event('video_someone_else'), signed(event('video_someone_else'), SECRET));
    await receiver.post(event(job.id), {
      'webhook-id': 'msg_1',
      'webhook-timestamp': '1',
      'webhook-signature': 'v1,AAAA',
    });

    const { video, providerMetadata } = await run;
    expect((providerMetadata.sora as { id: string }).id).toBe(job.id);
    expect(video.mediaType).toBe('video/mp4');
    expect(statusChecks()).toHaveLength(1); // the checks came only after the genuine event
    expect(emu.webhookDeliveries().some((d) => d.type === 'video.completed' && d.videoId === job.id)).toBe(
      true,
    );
  });

  test('a start the AI SDK retries after a 429 still ends on its webhook', async () => {
    emu.faults.add({ kind: 'rate-limit', method: 'POST', path: '/v1/videos', retryAfterMs: 20, times: 1 });
    const { video, warnings } = await generateVideo({
      model: sora().video('sora-2'),
      prompt: 'retried, then announced',
      poll: { intervalMs: 60_000, timeoutMs: 60_000 },
      webhook: async () => ({ url: receiver.url, received: receiver.next() }),
    });
    expect(video.mediaType).toBe('video/mp4');
    expect(warnings).toEqual([]);
    expect(
      emu
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => r.status),
    ).toEqual([429, 200]);
    expect(statusChecks()).toHaveLength(1);
  });

  test('deliveries parsed as JSON (not raw text) are verified too, as the compact JSON the gateway sent', async () => {
    const { video } = await generateVideo({
      model: sora().video('sora-2'),
      prompt: 'a parsed body',
      poll: { intervalMs: 60_000, timeoutMs: 60_000 },
      webhook: async () => ({
        url: receiver.url,
        received: receiver.next().then((d) => ({ headers: d.headers, body: JSON.parse(d.body) })),
      }),
    });
    expect(video.mediaType).toBe('video/mp4');
  });

  test('video.failed ends the wait with the job’s error', async () => {
    const error = await generateVideo({
      model: sora().video('sora-2'),
      prompt: 'a gory ending',
      poll: { intervalMs: 60_000, timeoutMs: 60_000 },
      webhook: async () => ({ url: receiver.url, received: receiver.next() }),
    }).catch((e: unknown) => e);
    expect((error as Error).message).toContain('(moderation_blocked)');
    expect(statusChecks()).toHaveLength(1);
  });

  test('without a webhook secret, the webhook option is refused before anything starts', async () => {
    const previous = process.env.SORA_WEBHOOK_SECRET;
    delete process.env.SORA_WEBHOOK_SECRET;
    let factoryCalls = 0;
    try {
      const error = await generateVideo({
        model: createSora({ apiKey: KEY, baseURL: emu.url }).video('sora-2'),
        prompt: 'no secret',
        webhook: async () => {
          factoryCalls++;
          return { url: receiver.url, received: receiver.next() };
        },
      }).catch((e: unknown) => e);
      expect(LoadSettingError.isInstance(error)).toBe(true);
      expect((error as Error).message).toContain('SORA_WEBHOOK_SECRET');
    } finally {
      if (previous !== undefined) process.env.SORA_WEBHOOK_SECRET = previous;
    }
    expect(factoryCalls).toBe(0);
    expect(emu.requests()).toEqual([]);
  });
});
