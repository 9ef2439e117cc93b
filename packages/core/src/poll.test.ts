import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  APIUserAbortError,
  createSoraClient,
  type PollProgress,
  PollTimeoutError,
  VideoFailedError,
} from './index.js';
import { useEmulator } from './test-support/emulator.js';
import { fakeClock, type Gateway, startGateway } from './test-support/gateway-server.js';

describe('polling the emulator', () => {
  const t = useEmulator({ jobSeconds: 0.6 });
  beforeEach(() => t.emu.clearRequests());

  test('onProgress sees the new job first, then each status answer, in order, to completed', async () => {
    const events: PollProgress[] = [];
    const video = await t.client.videos.createAndPoll(
      { prompt: 'a tiger' },
      { onProgress: (e) => events.push(e) },
    );
    expect(video.status).toBe('completed');
    expect(video.progress).toBe(100);
    expect(events[0]).toMatchObject({ id: video.id, status: 'queued', rawStatus: 'queued', progress: 0 });
    expect(events.at(-1)).toMatchObject({ status: 'completed', progress: 100 });
    const progress = events.map((e) => e.progress ?? 0);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    const gets = t.emu.requests().filter((r) => r.method === 'GET');
    expect(gets).toHaveLength(events.length - 1);
  });

  test('honours openai-poll-after-ms', async () => {
    const t2 = await import('@sora-kit/emulator').then((m) =>
      m.startEmulator({ jobSeconds: 1.2, pollAfterMs: 250, quiet: true }),
    );
    try {
      const client = createSoraClient({ apiKey: 'k', baseUrl: t2.url });
      await client.videos.createAndPoll({ prompt: 'a' });
      const times = t2.requests().map((r) => r.at);
      const gaps = times.slice(1).map((at, i) => at - times[i]!);
      expect(gaps.length).toBeGreaterThanOrEqual(3);
      for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(240);
    } finally {
      await t2.close();
    }
  });

  test('resumes by id after a restart: a new client polls the job to completion', async () => {
    const created = await t.client.videos.create({ prompt: 'a tiger' });
    const restarted = t.clientWith({});
    const video = await restarted.videos.poll(created.id);
    expect(video).toMatchObject({ id: created.id, status: 'completed' });
  });

  test('status requests bypass HTTP caches (cache: no-store)', async () => {
    const modes: string[] = [];
    const client = t.clientWith({
      fetch: (input, init) => {
        if (init?.method === 'GET') modes.push(String(init.cache));
        return fetch(input, init);
      },
    });
    await client.videos.createAndPoll({ prompt: 'a' });
    await client.videos.list({ limit: 1 });
    expect(modes.length).toBeGreaterThan(1);
    expect(new Set(modes)).toEqual(new Set(['no-store']));
  });

  test('gateway status names from the emulator (NOT_START, processing, COMPLETED)', async () => {
    const emu = await import('@sora-kit/emulator').then((m) =>
      m.startEmulator({ jobSeconds: 0.5, quiet: true, faults: { gatewayStatusNames: true } }),
    );
    try {
      const raw: string[] = [];
      const client = createSoraClient({ apiKey: 'k', baseUrl: emu.url });
      const video = await client.videos.createAndPoll(
        { prompt: 'a' },
        { onProgress: (e) => raw.push(e.rawStatus) },
      );
      expect(video.status).toBe('completed');
      expect(raw[0]).toBe('NOT_START');
      expect(raw.at(-1)).toBe('COMPLETED');
    } finally {
      await emu.close();
    }
  });

  test('an overall timeout gives up with the job as last seen; polling it again resumes', async () => {
    const created = await t.client.videos.create({ prompt: 'a' });
    const error = await t.client.videos.poll(created.id, { timeout: 50 }).catch((e) => e);
    expect(error).toBeInstanceOf(PollTimeoutError);
    expect(error.video.id).toBe(created.id);
    expect(['queued', 'in_progress']).toContain(error.video.status);
    expect((await t.client.videos.poll(error.video.id)).status).toBe('completed');
  });

  test('timeout is a deadline: a status request hanging past it is aborted, PollTimeoutError within 1 s', async () => {
    const created = await t.client.videos.create({ prompt: 'a' });
    t.emu.faults.add({ kind: 'latency', latencyMs: 20_000, method: 'GET', path: '/v1/videos/*', times: 5 });
    try {
      const started = performance.now();
      const error = await t.client.videos.poll(created.id, { timeout: 800 }).catch((e) => e);
      const elapsed = performance.now() - started;
      expect(error).toBeInstanceOf(PollTimeoutError);
      expect(error.video.id).toBe(created.id);
      expect(error.message).toMatch(/gave no status answer after 800 ms; poll it again/);
      expect(elapsed).toBeGreaterThanOrEqual(790);
      // Bounded by the deadline, not by the 20 s the request would hang (wide: a loaded machine is slow).
      expect(elapsed).toBeLessThan(10_000);
      // createAndPoll: the job as last seen is the new one, queued.
      const again = performance.now();
      const late = await t.client.videos.createAndPoll({ prompt: 'b' }, { timeout: 800 }).catch((e) => e);
      expect(late).toBeInstanceOf(PollTimeoutError);
      expect(late.video).toMatchObject({ status: 'queued', prompt: 'b' });
      expect(late.message).toMatch(/still queued/);
      expect(performance.now() - again).toBeLessThan(10_000);
    } finally {
      t.emu.faults.clear();
    }
  });

  test('an abort stops polling at once', async () => {
    const created = await t.client.videos.create({ prompt: 'a' });
    const controller = new AbortController();
    const pending = t.client.videos.poll(created.id, {
      signal: controller.signal,
      initialIntervalMs: 10_000,
    });
    setTimeout(() => controller.abort(), 50);
    const started = performance.now();
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
    expect(performance.now() - started).toBeLessThan(5000);
  });
});

describe('polling a gateway (fake clock shared by server and poller: deterministic)', () => {
  let gw: Gateway;
  let clock: ReturnType<typeof fakeClock>;
  beforeAll(async () => {
    clock = fakeClock(1_000_000);
    gw = await startGateway({ jobMs: 20_000, now: clock.now });
  });
  afterAll(() => gw.close());
  afterEach(() => {
    gw.requests.length = 0;
  });
  const client = () => createSoraClient({ apiKey: 'k', baseUrl: gw.url });
  const statusRequests = (id: string) =>
    gw.requests.filter((r) => r.method === 'GET' && r.path === `/v1/videos/${id}`);

  test('a 20 s job with linear progress: at most 8 status requests, end noticed within 0.3 s', async () => {
    const video = await client().videos.createAndPoll({ prompt: 'a tiger' }, { clock });
    const job = gw.jobs.get(video.id)!;
    const lateMs = clock.now() - (job.createdAt + 20_000);
    expect(video.status).toBe('completed');
    expect(statusRequests(video.id).length).toBeLessThanOrEqual(8);
    expect(lateMs).toBeGreaterThanOrEqual(0);
    expect(lateMs).toBeLessThanOrEqual(300);
    // What it actually does: 6 requests, the last aimed at the end of the predicted finish's 1 % step (a
    // step of 0.2 s, shorter than the 0.5 s minimum interval), so it lands just after it: 20 ms late.
    // (Polling every second: 20 requests.)
    expect(statusRequests(video.id).map((r) => r.at - job.createdAt)).toEqual([
      1000, 2000, 4000, 8000, 16_000, 20_020,
    ]);
  });

  test('gateway status names: NOT_START, processing, PROCESSING, unknown names keep it polling; raw values exposed', async () => {
    const events: PollProgress[] = [];
    const c = client();
    const created = await c.videos.create({ prompt: 'a' });
    gw.script(
      created.id,
      'NOT_START',
      'processing',
      'PROCESSING',
      'RENDERING_FRAMES',
      'In Progress',
      'SUCCESS',
    );
    const video = await c.videos.poll(created.id, { clock, onProgress: (e) => events.push(e) });
    expect(video.status).toBe('completed');
    expect(events.map((e) => [e.rawStatus, e.status])).toEqual([
      ['NOT_START', 'queued'],
      ['processing', 'in_progress'],
      ['PROCESSING', 'in_progress'],
      ['RENDERING_FRAMES', 'unknown'],
      ['In Progress', 'in_progress'],
      ['SUCCESS', 'completed'],
    ]);
    expect(events[3]?.video.status).toBe('RENDERING_FRAMES');
  });

  test('retrieve maps known gateway names to the spec names', async () => {
    const c = client();
    const created = await c.videos.create({ prompt: 'a' });
    expect(created.status).toBe('queued'); // NOT_START
    clock.advance(5000);
    expect((await c.videos.retrieve(created.id)).status).toBe('in_progress'); // processing
  });

  test('expired is terminal: VideoFailedError with code expired, no further polls', async () => {
    const c = client();
    const created = await c.videos.create({ prompt: 'a' });
    gw.script(created.id, 'processing', 'expired');
    const error = await c.videos.poll(created.id, { clock }).catch((e) => e);
    expect(error).toBeInstanceOf(VideoFailedError);
    expect(error.code).toBe('expired');
    expect(statusRequests(created.id)).toHaveLength(2);
  });

  test('FAILED (upper case) is terminal, with the job error', async () => {
    const c = client();
    const created = await c.videos.create({ prompt: 'a' });
    gw.script(created.id, 'FAILED');
    const error = await c.videos.poll(created.id, { clock }).catch((e) => e);
    expect(error).toBeInstanceOf(VideoFailedError);
    expect(error.video.status).toBe('failed');
  });

  test('no openai-poll-after-ms from this gateway: the schedule is the estimator', async () => {
    const c = client();
    const video = await c.videos.createAndPoll(
      { prompt: 'a' },
      { clock, minIntervalMs: 200, maxIntervalMs: 4000 },
    );
    const times = statusRequests(video.id).map((r) => r.at);
    const gaps = times.slice(1).map((at, i) => at - times[i]!);
    for (const gap of gaps) {
      expect(gap).toBeGreaterThanOrEqual(200);
      expect(gap).toBeLessThanOrEqual(4000);
    }
  });
});

describe('a gateway with a queue before progress starts (as the emulator models it)', () => {
  test('still few requests and the end seen within 1 s', async () => {
    const clock = fakeClock();
    const gw = await startGateway({ jobMs: 20_000, queuedShare: 0.15, now: clock.now });
    try {
      const video = await createSoraClient({ apiKey: 'k', baseUrl: gw.url }).videos.createAndPoll(
        { prompt: 'a' },
        { clock },
      );
      const requests = gw.requests.filter((r) => r.method === 'GET').length;
      expect(requests).toBeLessThanOrEqual(10);
      expect(clock.now() - (gw.jobs.get(video.id)!.createdAt + 20_000)).toBeLessThanOrEqual(1000);
    } finally {
      await gw.close();
    }
  });
});
