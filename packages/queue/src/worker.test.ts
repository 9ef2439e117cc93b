/** One worker in this process against the emulator: how each kind of failure ends a job. */
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSoraClient } from '@sora-kit/core';
import { MODERATION_MARKER, type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { VideoJobProgress } from './job-data.js';
import { JOB_NAME } from './job-data.js';
import { createVideoQueue, type VideoQueue } from './queue.js';
import { createVideoWorker, type VideoWorker, type VideoWorkerOptions } from './worker.js';

let redis: RunningRedis;
let emulator: RunningEmulator;
let outDir: string;
let videos: VideoQueue;
let worker: VideoWorker;
let events: QueueEvents;
let eventsConnection: Redis;
let n = 0;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  await worker?.close(true);
  await events?.close();
  eventsConnection?.disconnect();
  await videos?.close();
  await emulator?.close();
  await rm(outDir, { recursive: true, force: true });
});

async function setUp(
  options: Partial<Pick<VideoWorkerOptions, 'output' | 'limiter' | 'onProgress'>> = {},
  jobSeconds = 0.3,
) {
  const name = `single-${++n}`;
  emulator = await startEmulator({ jobSeconds, quiet: true });
  outDir = await mkdtemp(join(tmpdir(), 'sora-queue-'));
  videos = createVideoQueue({ connection: redis.url, name, backoffMs: 100 });
  const client = createSoraClient({ apiKey: 'sk-queue-test-key', baseUrl: emulator.url });
  worker = createVideoWorker({ connection: redis.url, name, client, outDir, concurrency: 2, ...options });
  eventsConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  events = new QueueEvents(name, { connection: eventsConnection });
  await events.waitUntilReady();
}

/** Resolves with the job's end: its result, or its failure reason. */
const finished = (jobId: string) =>
  new Promise<{ completed?: unknown; failed?: string }>((resolve) => {
    events.on('completed', (e) => e.jobId === jobId && resolve({ completed: e.returnvalue }));
    events.on('failed', (e) => e.jobId === jobId && resolve({ failed: e.failedReason }));
  });

const creates = () => emulator.requests().filter((r) => r.method === 'POST' && r.path === '/v1/videos');

describe('createVideoWorker', () => {
  it('downloads a completed video to outDir under the line name, and stores the video id on the job', async () => {
    await setUp();
    const { jobId } = await videos.add({ prompt: 'a tiger' }, { output: 'clips/tiger.mp4' });
    const end = await finished(jobId);
    expect(end.completed).toMatchObject({ path: join(outDir, 'clips/tiger.mp4') });
    expect(await readdir(join(outDir, 'clips'))).toEqual(['tiger.mp4']);
    const status = await videos.status(jobId);
    expect(status).toMatchObject({ state: 'completed', progress: { status: 'completed', progress: 100 } });
    expect(status?.videoId).toMatch(/^video_/);
    expect(creates().map((r) => r.idempotencyKey)).toEqual([`sora-kit-queue-${jobId}`]);
  });

  it('a failed video fails its job at once, without a retry (it was paid for)', async () => {
    await setUp();
    const { jobId } = await videos.add({ prompt: `a scene ${MODERATION_MARKER}` });
    const end = await finished(jobId);
    expect(end.failed).toMatch(/moderation/);
    const job = await videos.queue.getJob(jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(creates()).toHaveLength(1);
  });

  it('a 5xx on create is retried by the queue with the same Idempotency-Key: one job on the server', async () => {
    await setUp();
    emulator.faults.add({ kind: 'server-error', method: 'POST', path: '/v1/videos', status: 503, times: 2 });
    const { jobId } = await videos.add({ prompt: 'flaky network' });
    const end = await finished(jobId);
    expect(end.completed).toBeDefined();
    const keys = creates().map((r) => [r.status, r.idempotencyKey]);
    expect(keys).toEqual([
      [503, `sora-kit-queue-${jobId}`],
      [503, `sora-kit-queue-${jobId}`],
      [200, `sora-kit-queue-${jobId}`],
    ]);
  });

  it('an output that throws is retried, resuming the stored video: no second create', async () => {
    let calls = 0;
    await setUp({
      output: async (video) => {
        calls++;
        if (calls === 1) throw new Error('disk full');
        return { path: `kept ${video.id}` };
      },
    });
    const { jobId } = await videos.add({ prompt: 'a lighthouse' });
    const end = await finished(jobId);
    expect(end.completed).toMatchObject({ path: expect.stringMatching(/^kept video_/) });
    expect(calls).toBe(2);
    expect(creates()).toHaveLength(1);
  });

  it('a job whose stored video id is unknown to the API fails without creating', async () => {
    await setUp();
    // Paused, so that no worker takes the job before its data says a video exists.
    await videos.queue.pause();
    const { jobId } = await videos.add({ prompt: 'gone' });
    // As if an earlier attempt had created a video that was deleted since.
    const job = await videos.queue.getJob(jobId);
    await job?.updateData({ ...job.data, videoId: 'video_0000deadbeef' });
    const ended = finished(jobId);
    await videos.queue.resume();
    const end = await ended;
    expect(end.failed).toMatch(/404/);
    expect(creates()).toHaveLength(0);
  });

  it('a limiter of one job per window starts every job: its own count is not taken for a 429 pause', async () => {
    await setUp({ limiter: { max: 1, duration: 300 } });
    const added = await videos.addBulk([0, 1, 2].map((i) => ({ params: { prompt: `limited ${i}` } })));
    const ends = await Promise.race([
      Promise.all(added.map(({ jobId }) => finished(jobId))),
      new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), 30_000)),
    ]);
    expect(ends).not.toBe('timeout');
    for (const end of ends as { completed?: unknown }[]) expect(end.completed).toBeDefined();
    expect(creates().map((r) => r.status)).toEqual([200, 200, 200]);
  });

  it('stores progress on the queue job at each new status and at most every 2 s; onProgress sees every report', async () => {
    const reported: VideoJobProgress[] = [];
    await setUp({ onProgress: (_, p) => reported.push(p) }, 3);
    const stored: { status: string; at: number }[] = [];
    events.on('progress', ({ data }) => {
      stored.push({ status: (data as unknown as VideoJobProgress).status, at: Date.now() });
    });
    const { jobId } = await videos.add({ prompt: 'a slow sunrise' });
    expect((await finished(jobId)).completed).toBeDefined();
    // Each new status is stored, in order.
    expect([...new Set(stored.map((p) => p.status))]).toEqual(['queued', 'in_progress', 'completed']);
    // The job is in progress for 2.55 s and polled every few hundred ms: its first in_progress report is
    // stored, then at most one more.
    const inProgress = reported.filter((p) => p.status === 'in_progress');
    expect(inProgress.length).toBeGreaterThan(3);
    expect(stored.filter((p) => p.status === 'in_progress').length).toBeLessThanOrEqual(2);
    expect(await videos.status(jobId)).toMatchObject({ progress: { status: 'completed', progress: 100 } });
  });

  it("an output name written into Redis behind the queue's back fails its job before the create: nothing paid", async () => {
    await setUp();
    // `add` refuses these names; a producer that writes the queue's keys itself (or a tampered Redis) does not.
    const bad = ['../escape.mp4', '/tmp/absolute.mp4', '.x'];
    const ends = [];
    for (const [i, output] of bad.entries()) {
      const jobId = `bad-output-${i}`;
      const end = finished(jobId);
      await videos.queue.add(JOB_NAME, { params: { prompt: `escape ${i}` }, output }, { jobId });
      ends.push(end);
    }
    const failures = await Promise.all(ends);
    expect(failures.map((f) => f.failed)).toEqual([
      expect.stringMatching(/Invalid value for 'output'.*leads out of/),
      expect.stringMatching(/Invalid value for 'output'.*absolute path/),
      expect.stringMatching(/Invalid value for 'output'.*temporary files/),
    ]);
    for (const [i] of bad.entries())
      expect((await videos.queue.getJob(`bad-output-${i}`))?.attemptsMade).toBe(1);
    expect(creates()).toHaveLength(0);
  });

  it("removes the temporary files a killed worker's download left beside its output", async () => {
    await setUp();
    // What `kill -9` of a worker mid-download leaves: core's `.<name>.<8 hex>.part` beside the output.
    await mkdir(join(outDir, 'clips'), { recursive: true });
    const stale = join(outDir, 'clips', '.tiger.mp4.0badc0de.part');
    await writeFile(stale, Buffer.alloc(4096, 1));
    const { jobId } = await videos.add({ prompt: 'a tiger, again' }, { output: 'clips/tiger.mp4' });
    expect((await finished(jobId)).completed).toBeDefined();
    expect(await readdir(join(outDir, 'clips'))).toEqual(['tiger.mp4']);
    expect(creates()).toHaveLength(1);
  });
});
