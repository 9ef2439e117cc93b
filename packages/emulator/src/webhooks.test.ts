/**
 * Webhooks delivered to a real local receiver (node:http), with the Standard Webhooks signature
 * checked independently here (node:crypto HMAC), and retried after the receiver fails.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningEmulator, startEmulator } from './index.js';
import { createVideo } from './test-support/http.js';

const SECRET_BYTES = Buffer.from('a test secret of 32 bytes, no more');
const SECRET = `whsec_${SECRET_BYTES.toString('base64')}`;

interface Delivery {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/** A receiver that records deliveries and answers each with the next status of `statuses` (then 200). */
async function receiver(
  statuses: number[] = [],
): Promise<{ url: string; deliveries: Delivery[]; server: Server }> {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      deliveries.push({
        headers: request.headers,
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      });
      response.statusCode = statuses.shift() ?? 200;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`, deliveries, server };
}

/** The Standard Webhooks check, written independently of the emulator's signing code. */
function verify(delivery: Delivery): boolean {
  const id = String(delivery.headers['webhook-id']);
  const timestamp = String(delivery.headers['webhook-timestamp']);
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return false;
  const expected = createHmac('sha256', SECRET_BYTES).update(`${id}.${timestamp}.${delivery.body}`).digest();
  return String(delivery.headers['webhook-signature'])
    .split(' ')
    .some((entry) => {
      const [version, signature] = entry.split(',');
      const given = Buffer.from(signature ?? '', 'base64');
      return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
    });
}

async function until<T>(check: () => T | undefined, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanup.map((close) => close()));
  cleanup = [];
});

async function setUp(statuses: number[] = [], maxAttempts = 5) {
  const hook = await receiver(statuses);
  const emulator: RunningEmulator = await startEmulator({
    jobSeconds: 0.2,
    webhook: { url: hook.url, secret: SECRET, retryDelayMs: 50, maxAttempts },
    quiet: true,
  });
  cleanup.push(
    () => emulator.close(),
    () => new Promise<void>((resolve) => hook.server.close(() => resolve())),
  );
  return { hook, emulator };
}

describe('webhooks', () => {
  it('delivers a signed video.completed event when a job completes', async () => {
    const { hook, emulator } = await setUp();
    const video = await createVideo(emulator.url);
    const delivery = await until(() => hook.deliveries[0]);
    expect(delivery.headers['content-type']).toBe('application/json');
    expect(delivery.headers['webhook-id']).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(verify(delivery)).toBe(true);
    const event = JSON.parse(delivery.body);
    expect(event).toEqual({
      id: delivery.headers['webhook-id'],
      object: 'event',
      created_at: expect.any(Number),
      type: 'video.completed',
      data: { id: video.id },
    });
    // A tampered body fails the same check, so the check above means something.
    expect(verify({ ...delivery, body: delivery.body.replace('completed', 'failed') })).toBe(false);
    const status = await (await fetch(`${emulator.url}/_emulator/webhooks`)).json();
    expect(status.data).toEqual([
      expect.objectContaining({
        eventId: event.id,
        type: 'video.completed',
        state: 'delivered',
        attempts: 1,
      }),
    ]);
  });

  it('delivers video.failed for a moderated prompt', async () => {
    const { hook, emulator } = await setUp();
    const video = await createVideo(emulator.url, { prompt: 'a [moderation-block] scene' });
    const delivery = await until(() => hook.deliveries[0]);
    expect(verify(delivery)).toBe(true);
    expect(JSON.parse(delivery.body)).toMatchObject({ type: 'video.failed', data: { id: video.id } });
  });

  it('retries after the receiver answers 500, with the same webhook-id and a fresh signature', async () => {
    const { hook, emulator } = await setUp([500, 503]);
    await createVideo(emulator.url);
    await until(() => (hook.deliveries.length >= 3 ? true : undefined));
    const [first, second, third] = hook.deliveries as [Delivery, Delivery, Delivery];
    expect(new Set(hook.deliveries.map((d) => d.headers['webhook-id'])).size).toBe(1);
    expect(second.body).toBe(first.body);
    for (const delivery of hook.deliveries) expect(verify(delivery)).toBe(true);
    // Backoff doubles: 50 ms, then 100 ms.
    expect(second.at - first.at).toBeGreaterThanOrEqual(45);
    expect(third.at - second.at).toBeGreaterThanOrEqual(95);
    await until(() => (emulator.webhookDeliveries()[0]?.state === 'delivered' ? true : undefined));
    expect(emulator.webhookDeliveries()[0]).toMatchObject({ attempts: 3, lastStatus: 200 });
  });

  it('gives up after maxAttempts, and does not retry a 400 refusal', async () => {
    const failing = await setUp([500, 500, 500, 500], 2);
    await createVideo(failing.emulator.url);
    await until(() => (failing.emulator.webhookDeliveries()[0]?.state === 'failed' ? true : undefined));
    expect(failing.hook.deliveries).toHaveLength(2);

    const refusing = await setUp([400]);
    await createVideo(refusing.emulator.url);
    await until(() => (refusing.emulator.webhookDeliveries()[0]?.state === 'failed' ? true : undefined));
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(refusing.hook.deliveries).toHaveLength(1);
    expect(refusing.emulator.webhookDeliveries()[0]).toMatchObject({ attempts: 1, lastStatus: 400 });
  });

  it('retries when the receiver cannot be reached, and sends nothing for a job deleted before it ended', async () => {
    const { emulator } = await setUp();
    const unreachable = await startEmulator({
      jobSeconds: 0.1,
      webhook: { url: 'http://127.0.0.1:9/unreachable', secret: SECRET, retryDelayMs: 20, maxAttempts: 3 },
      quiet: true,
    });
    cleanup.push(() => unreachable.close());
    await createVideo(unreachable.url);
    await until(() => (unreachable.webhookDeliveries()[0]?.state === 'failed' ? true : undefined));
    expect(unreachable.webhookDeliveries()[0]).toMatchObject({ attempts: 3, lastError: expect.any(String) });

    const video = await createVideo(emulator.url);
    await fetch(`${emulator.url}/v1/videos/${video.id}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer k' },
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(emulator.webhookDeliveries()).toEqual([]);
  });
});
