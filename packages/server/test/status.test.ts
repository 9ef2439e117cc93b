// The shared read path against the real emulator on loopback: readers coalesce into one upstream poll per
// job and interval, finished jobs are served from the store, the job's event stream pushes every change and
// ends at a terminal state, and a verified webhook ends the wait at once. Counts are the emulator's own log.
import { createServer, type Server } from 'node:http';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterEach, describe, expect, test } from 'vitest';
import { createStatusHub, createWebhookHandler, memoryStatusStore } from '../src/index.js';
import { toNodeListener } from '../src/node/index.js';
import { readEvents } from './sse-reader.js';
import { type App, closeServer, emulator, listen, readUntilDone, startApp } from './support.js';

const cleanup: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step();
});

async function setUp(
  options: Parameters<typeof emulator>[0] = {},
  app: Parameters<typeof startApp>[0] | object = {},
) {
  const emu = await emulator(options);
  cleanup.push(() => emu.close());
  const started = await startApp({ baseUrl: emu.url, ...app });
  cleanup.push(() => started.close());
  return { emu, app: started };
}

const statusReads = (emu: RunningEmulator, id: string) =>
  emu.requests().filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`).length;

/** `n` readers of one job through the handler, each polling it with core's poll until it completes. */
async function watchWith(app: App, id: string, n: number) {
  const clients = Array.from({ length: n }, () => app.client('ann'));
  const videos = await Promise.all(clients.map((c) => c.videos.poll(id, { timeout: 60_000 })));
  return videos.map((v) => v.status);
}

describe('coalesced status reads', () => {
  test('20 readers of one job cost what 1 costs upstream (± 10 %)', async () => {
    const { emu, app } = await setUp({ jobSeconds: 2 });
    // The one reader asks more often than the entry goes stale (readUntilDone), so its count is the hub's
    // schedule; both jobs run at once, under the same load.
    const [one, many] = await Promise.all([
      app.client('ann').videos.create({ prompt: 'alone' }),
      app.client('ann').videos.create({ prompt: 'crowd' }),
    ]);
    const [alone, crowded] = await Promise.all([
      readUntilDone(app.client('ann'), one.id),
      watchWith(app, many.id, 20),
    ]);
    expect(alone).toBe('completed');
    expect(new Set(crowded)).toEqual(new Set(['completed']));
    const single = statusReads(emu, one.id);
    const crowd = statusReads(emu, many.id);
    expect(single).toBeGreaterThan(1);
    expect(crowd).toBeLessThanOrEqual(Math.ceil(single * 1.1));
  });

  test('a finished job is served from the store: no upstream request however many read it', async () => {
    const { emu, app } = await setUp({ jobSeconds: 0.2 });
    const client = app.client('ann');
    const video = await client.videos.createAndPoll({ prompt: 'done' });
    const before = statusReads(emu, video.id);
    for (let i = 0; i < 5; i++) expect((await client.videos.retrieve(video.id)).status).toBe('completed');
    const page = await client.videos.list();
    expect(page.data.map((v) => v.id)).toEqual([video.id]);
    expect(statusReads(emu, video.id)).toBe(before);
  });

  test("another user's id is a 404, for reads, lists and the event stream", async () => {
    const { app } = await setUp({ jobSeconds: 0.2 });
    const video = await app.client('ann').videos.createAndPoll({ prompt: 'mine' });
    expect((await app.as('bob', `/api/sora/v1/videos/${video.id}`)).status).toBe(404);
    const stream = await app.as('bob', `/api/sora/v1/videos/${video.id}/events`);
    expect(stream.status).toBe(404);
    expect(await stream.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect((await app.client('bob').videos.list()).data).toEqual([]);
  });
});

describe('the job event stream', () => {
  test('current state at once, every change, the end, then the stream closes; a reconnect after it is a 204', async () => {
    const { app } = await setUp({ jobSeconds: 1 });
    const video = await app.client('ann').videos.create({ prompt: 'streamed' });
    const response = await app.as('ann', `/api/sora/v1/videos/${video.id}/events`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await readEvents(response);
    const statuses = events.map((e) => JSON.parse(e.data).status);
    expect(statuses.at(-1)).toBe('completed');
    expect(statuses.slice(0, -1).every((s) => s === 'queued' || s === 'in_progress')).toBe(true);
    const ids = events.map((e) => Number(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const again = await app.as('ann', `/api/sora/v1/videos/${video.id}/events`, {
      headers: { 'last-event-id': String(ids.at(-1)) },
    });
    expect(again.status).toBe(204);
    // Without Last-Event-ID the final state is sent once, then the stream ends.
    const late = await readEvents(await app.as('ann', `/api/sora/v1/videos/${video.id}/events`));
    expect(late.map((e) => JSON.parse(e.data).status)).toEqual(['completed']);
  });

  test('streams past the per-user limit are refused with a 429 (the client polls instead)', async () => {
    const { app } = await setUp({ jobSeconds: 30 }, { streams: { maxPerUser: 1 } });
    const video = await app.client('ann').videos.create({ prompt: 'limited' });
    const controller = new AbortController();
    const first = await app.as('ann', `/api/sora/v1/videos/${video.id}/events`, {
      signal: controller.signal,
    });
    expect(first.status).toBe(200);
    const second = await app.as('ann', `/api/sora/v1/videos/${video.id}/events`);
    expect(second.status).toBe(429);
    expect((await second.json()).error.code).toBe('too_many_streams');
    expect((await app.as('bob', '/api/sora/v1/videos')).status).toBe(200);
    controller.abort();
    await first.body?.cancel().catch(() => {});
  });

  test('a verified webhook ends the wait: completion is pushed long before the next poll', async () => {
    // The emulator asks for a poll a minute later; only the webhook can bring the end sooner.
    const status = createStatusHub({ store: memoryStatusStore() });
    const hooks: { server?: Server } = {};
    const webhook = createWebhookHandler({ secret: SECRET, status });
    hooks.server = createServer(toNodeListener(webhook));
    const hookUrl = await listen(hooks.server);
    cleanup.push(() => closeServer(hooks.server!));
    const { emu, app } = await setUp(
      { jobSeconds: 1, pollAfterMs: 60_000, webhook: { url: hookUrl, secret: SECRET } },
      { status },
    );
    const video = await app.client('ann').videos.create({ prompt: 'hooked' });
    const events = await readEvents(await app.as('ann', `/api/sora/v1/videos/${video.id}/events`));
    expect(events.map((e) => JSON.parse(e.data).status).at(-1)).toBe('completed');
    expect(emu.webhookDeliveries().some((d) => d.videoId === video.id)).toBe(true);
    // One read at the start, one after the webhook: no polling in between (the schedule said a minute).
    expect(statusReads(emu, video.id)).toBeLessThanOrEqual(3);
  }, 30_000);
});

const SECRET = `whsec_${Buffer.from('a webhook secret of 32 bytes....').toString('base64')}`;
