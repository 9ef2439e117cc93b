/**
 * Many workers in their own processes, one real Redis, the emulator over real HTTP: every line ends with a
 * valid file, and the emulator's request log shows exactly one create per line, whatever happens.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, open, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createVideoQueue, type VideoQueue } from './queue.js';
import { spawnWorker, until, type WorkerProcess } from './test-support/workers.js';

let redis: RunningRedis;
let emulator: RunningEmulator;
let outDir: string;
let workers: WorkerProcess[] = [];
let videos: VideoQueue | undefined;

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await redis?.stop();
});
afterEach(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await Promise.all(workers.map((w) => w.exited));
  workers = [];
  await videos?.close();
  await emulator?.close();
  await rm(outDir, { recursive: true, force: true });
});

const setUp = async (name: string, jobSeconds: number) => {
  emulator = await startEmulator({ jobSeconds, quiet: true, requestLogLimit: 1_000_000 });
  outDir = await mkdtemp(join(tmpdir(), 'sora-queue-'));
  videos = createVideoQueue({ connection: redis.url, name, backoffMs: 200 });
  return videos;
};

const creates = () => emulator.requests().filter((r) => r.method === 'POST' && r.path === '/v1/videos');

const lines = (n: number, tag: string) =>
  Array.from({ length: n }, (_, i) => ({
    params: { prompt: `${tag} variant ${i}` },
    output: `${tag}-${i}.mp4`,
  }));

/** An MP4 starts with an `ftyp` box; ffprobe then reads its duration. */
async function checkVideos(files: string[], seconds: number) {
  for (const file of files) {
    const handle = await open(file);
    const head = Buffer.alloc(8);
    await handle.read(head, 0, 8, 0);
    await handle.close();
    expect(head.subarray(4, 8).toString(), file).toBe('ftyp');
  }
  // ffprobe a sample spread over the batch (all 300 would take as long as the batch itself).
  for (const file of files.filter((_, i) => i % Math.ceil(files.length / 10) === 0)) {
    const { stdout } = await promisify(execFile)('ffprobe', [
      '-v',
      'error',
      '-show_entries',
      'format=duration',
      '-of',
      'csv=p=0',
      file,
    ]);
    expect(Number(stdout), file).toBeCloseTo(seconds, 0);
  }
}

describe('workers on BullMQ', () => {
  it('300 jobs over 3 worker processes (concurrency 10 each): 300 valid files, one create per line', {
    timeout: 300_000,
  }, async () => {
    const queue = await setUp('three-workers', 1);
    const start = (n: number) =>
      spawnWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        baseUrl: emulator.url,
        outDir,
        concurrency: n,
      });
    workers = await Promise.all([start(10), start(10), start(10)]);
    const added = await queue.addBulk(lines(300, 'big'));
    expect(added.filter((a) => a.added)).toHaveLength(300);
    await until(async () => (await queue.counts()).completed === 300, '300 completed jobs', 280_000);
    const counts = await queue.counts();
    expect(counts).toMatchObject({ completed: 300, failed: 0, active: 0, waiting: 0 });
    const files = (await readdir(outDir)).sort();
    expect(files).toHaveLength(300);
    await checkVideos(
      files.map((f) => join(outDir, f)),
      4,
    );
    const keys = creates().map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(300);
    expect(new Set(keys).size).toBe(300);
    // Every worker took a share.
    for (const w of workers) expect(w.reports.length).toBeGreaterThan(0);
  });

  it('kill -9 of a worker mid-poll: the others finish its jobs, still one create per line', async () => {
    const queue = await setUp('kill-nine', 8);
    const start = () =>
      spawnWorker({
        redisUrl: redis.url,
        queueName: queue.name,
        baseUrl: emulator.url,
        outDir,
        concurrency: 10,
        lockMs: 2000,
        stalledMs: 1000,
      });
    workers = await Promise.all([start(), start(), start()]);
    const victim = workers[0] as WorkerProcess;
    await queue.addBulk(lines(24, 'kill'));
    // The victim holds jobs that were created and are being polled.
    const polling = () =>
      new Set(victim.reports.filter((r) => r.status === 'in_progress').map((r) => r.jobId));
    await until(() => polling().size >= 4, 'the victim polling 4 jobs', 30_000);
    victim.child.kill('SIGKILL');
    await victim.exited;
    // The jobs it was polling when it died: their last report was not `completed`.
    const last = new Map(victim.reports.map((r) => [r.jobId, r.status]));
    const held = [...last].filter(([, status]) => status !== 'completed').map(([jobId]) => jobId);
    expect(held.length).toBeGreaterThan(0);
    await until(async () => (await queue.counts()).completed === 24, '24 completed jobs', 90_000);
    expect(await queue.counts()).toMatchObject({ completed: 24, failed: 0 });
    // The victim's jobs were finished by the others, resuming the video it had created.
    const survivors = workers.slice(1).flatMap((w) => w.reports);
    for (const jobId of held) {
      const status = await queue.status(jobId);
      expect(status?.state).toBe('completed');
      expect(survivors.some((r) => r.jobId === jobId && r.videoId === status?.videoId)).toBe(true);
    }
    // A worker killed between its create and storing the video id has the create sent again by the job's
    // next worker, with the same Idempotency-Key: the API answers with the job it already made. So: one
    // key per line, and exactly one video per line on the server.
    expect(new Set(creates().map((r) => r.idempotencyKey)).size).toBe(24);
    const listed = await fetch(`${emulator.url}/v1/videos?limit=100`, {
      headers: { authorization: 'Bearer sk-queue-test-key' },
    }).then((r) => r.json() as Promise<{ data: unknown[] }>);
    expect(listed.data).toHaveLength(24);
    expect(await readdir(outDir)).toHaveLength(24);
  });

  // A 429 comes in a burst: the creates already on their way when the first was answered are refused too,
  // and their Retry-After may be shorter (or absent: 1 s). The first one's pause must hold whatever they say.
  // Every answer takes 200 ms, so that the burst reliably happens: creates that arrive while the first 429
  // is being answered take the short ones, and their answers come after it.
  const retryAfters = [
    { header: 'Retry-After: 5', pauseMs: 5000, first: { retryAfterSeconds: 5 } },
    // `retry-after-ms` wins over a `Retry-After` sent with it (as OpenAI's API sends both).
    { header: 'retry-after-ms: 4500', pauseMs: 4500, first: { retryAfterSeconds: 1, retryAfterMs: 4500 } },
  ];
  for (const { header, pauseMs, first } of retryAfters) {
    it(`a 429 (${header}) pauses every worker: no create from any worker until it has passed`, {
      timeout: 120_000,
    }, async () => {
      emulator = await startEmulator({
        jobSeconds: 0.5,
        quiet: true,
        requestLogLimit: 1_000_000,
        faults: { latencyMs: 200 },
      });
      outDir = await mkdtemp(join(tmpdir(), 'sora-queue-'));
      const queue = createVideoQueue({ connection: redis.url, name: `rate-limited-${pauseMs}` });
      videos = queue;
      workers = await Promise.all(
        [0, 1, 2].map(() =>
          spawnWorker({
            redisUrl: redis.url,
            queueName: queue.name,
            baseUrl: emulator.url,
            outDir,
            concurrency: 10,
            download: false,
          }),
        ),
      );
      await queue.addBulk(lines(60, 'limited'));
      // Once creates are flowing, the next one is answered 429 with the Retry-After under test, and the next
      // five with `Retry-After: 1`.
      await until(() => creates().length >= 10, '10 creates', 30_000);
      emulator.faults.add(
        { kind: 'rate-limit', method: 'POST', path: '/v1/videos', ...first, times: 1 },
        { kind: 'rate-limit', method: 'POST', path: '/v1/videos', retryAfterSeconds: 1, times: 5 },
      );
      await until(async () => (await queue.counts()).completed === 60, '60 completed jobs', 90_000);
      const posts = creates();
      const t429 = Math.min(...posts.filter((r) => r.status === 429).map((r) => r.at));
      // Creates already sent when the 429 was answered (200 ms after it arrived) still arrive a moment after
      // it: 1.5 s allows for a loaded machine. After that, none until its Retry-After has passed (the pause
      // begins when the worker reads the answer, after `t429`: the end of the window needs no margin for
      // the workers, 300 ms are for the clocks' granularity).
      const from = t429 + 1500;
      const to = t429 + pauseMs - 300;
      const inPause = posts.filter((r) => r.at > from && r.at < to);
      expect(inPause.map((r) => `${r.status} at +${r.at - t429} ms`)).toEqual([]);
      // Creates resume promptly once the pause is over (3 s: workers wake at its end, on a loaded machine).
      const next = posts.find((r) => r.at >= to);
      expect(next, 'a create after the pause').toBeDefined();
      expect((next as { at: number }).at - t429).toBeLessThan(pauseMs + 3000);
      // The refused jobs were created once let through: one successful create per line.
      const created = posts.filter((r) => r.status < 300);
      expect(created).toHaveLength(60);
      expect(new Set(created.map((r) => r.idempotencyKey)).size).toBe(60);
      // The burst did happen: creates on their way were refused with the short Retry-After inside the pause.
      expect(posts.filter((r) => r.status === 429 && r.at > t429 && r.at <= from).length).toBeGreaterThan(0);
    });
  }
});
