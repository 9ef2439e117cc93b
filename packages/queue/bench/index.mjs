// `pnpm bench`: 300 emulator jobs of 3 s through the queue, 3 worker processes × concurrency 10, against the
// ideal (jobs / total concurrency × job time: 30 s) and against the plain call a user would write without a
// queue (core's createAndPoll + downloadToFile at concurrency 30 in one process), with the Redis commands per
// job. Recorded for BENCHMARKS.md through the shared harness (scripts/bench). Needs `pnpm build` and
// redis-server. BENCH_JOBS and BENCH_ROUNDS change the batch's size and the number of rounds.
//
// Method: the emulator runs in its own process (the harness's startServer), each worker in its own; the
// queue and the plain loop alternate in rounds (the order swaps each round), so both see the same load of a
// shared machine, and a figure is the median of the per-round ratios. Every job downloads its MP4, which
// the emulator encodes on its first download: that work is in both contenders' times, not in the ideal.
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSoraClient } from '@sora-kit/core';
import { downloadToFile } from '@sora-kit/core/node';
import { startRedis } from '@sora-kit/test-support/redis';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import {
  createRecorder,
  median,
  ratioText,
  startServer,
  summarize,
} from '../../../scripts/bench/harness.mjs';
import { createVideoQueue } from '../dist/index.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 300);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const JOB_SECONDS = 3;
const WORKERS = 3;
const CONCURRENCY = 10;
/** A round that takes this long has hung (a worker died): the bench fails instead of waiting forever. */
const ROUND_TIMEOUT_MS = 10 * 60_000;
const IDEAL_MS = (JOBS / (WORKERS * CONCURRENCY)) * JOB_SECONDS * 1000;
const emulatorBin = fileURLToPath(import.meta.resolve('@sora-kit/emulator').replace(/index\.js$/, 'bin.js'));
const workerScript = fileURLToPath(new URL('../test/worker-process.mjs', import.meta.url));

/** A worker process, resolved once it prints `ready`. */
function startWorker(args) {
  const child = spawn(process.execPath, [workerScript, ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise((resolve) => child.once('exit', resolve));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`worker exited (${code}) before it was ready`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (line === 'ready') resolve({ child, exited });
    });
  });
}

/**
 * Commands Redis ran (those inside BullMQ's Lua scripts included), but the bench's own XREADs: only its
 * QueueEvents listener reads the event stream, and it is not part of the queue's cost.
 */
async function commandCalls(redisUrl) {
  const redis = new Redis(redisUrl);
  const info = await redis.info('commandstats');
  redis.disconnect();
  let calls = 0;
  for (const [, name, n] of info.matchAll(/cmdstat_([^:]+):calls=(\d+)/g)) {
    if (name !== 'xread') calls += Number(n);
  }
  return calls;
}

const lines = (tag) =>
  Array.from({ length: JOBS }, (_, i) => ({ params: { prompt: `${tag} ${i}` }, output: `${i}.mp4` }));

const withTimeout = (promise, what) =>
  Promise.race([
    promise,
    new Promise((_, reject) =>
      setTimeout(
        () => reject(new Error(`${what}: not done in ${ROUND_TIMEOUT_MS} ms`)),
        ROUND_TIMEOUT_MS,
      ).unref(),
    ),
  ]);

/** One run through the queue: its wall time (from the enqueue to the last completion) and Redis commands per job. */
async function runQueue(redisUrl, baseUrl, round) {
  const name = `bench-${round}`;
  const outDir = await mkdtemp(join(tmpdir(), 'sora-queue-bench-'));
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      startWorker([redisUrl, name, baseUrl, outDir, String(CONCURRENCY)]),
    ),
  );
  const queue = createVideoQueue({ connection: redisUrl, name });
  // Completions are counted from BullMQ's event stream (one blocking read), not by polling the counts.
  const eventsConnection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const events = new QueueEvents(name, { connection: eventsConnection });
  try {
    await events.waitUntilReady();
    let done = 0;
    const finished = new Promise((resolve, reject) => {
      events.on('completed', () => ++done === JOBS && resolve());
      events.on('failed', ({ jobId, failedReason }) =>
        reject(new Error(`job ${jobId} failed: ${failedReason}`)),
      );
      for (const { exited } of workers) exited.then((code) => reject(new Error(`a worker exited (${code})`)));
    });
    const callsBefore = await commandCalls(redisUrl);
    const started = performance.now();
    await queue.addBulk(lines(`queued ${round}`));
    await withTimeout(finished, 'the queue');
    const ms = performance.now() - started;
    const redisPerJob = ((await commandCalls(redisUrl)) - callsBefore) / JOBS;
    const files = (await readdir(outDir)).length;
    if (files !== JOBS) throw new Error(`the queue wrote ${files} files, not ${JOBS}`);
    return { ms, redisPerJob };
  } finally {
    await events.close();
    eventsConnection.disconnect();
    await queue.close();
    for (const { child } of workers) child.kill('SIGKILL');
    await Promise.all(workers.map(({ exited }) => exited));
    await rm(outDir, { recursive: true, force: true });
  }
}

/** The plain call: one process, core alone, 30 at a time. */
async function runPlain(baseUrl, round) {
  const outDir = await mkdtemp(join(tmpdir(), 'sora-plain-bench-'));
  const client = createSoraClient({ apiKey: 'sk-bench-key-0000', baseUrl });
  const todo = lines(`plain ${round}`);
  try {
    const started = performance.now();
    await withTimeout(
      Promise.all(
        Array.from({ length: WORKERS * CONCURRENCY }, async () => {
          for (let line = todo.shift(); line; line = todo.shift()) {
            const video = await client.videos.createAndPoll(line.params);
            await downloadToFile(client, video.id, join(outDir, line.output));
          }
        }),
      ),
      'the plain loop',
    );
    const ms = performance.now() - started;
    const files = (await readdir(outDir)).length;
    if (files !== JOBS) throw new Error(`the plain loop wrote ${files} files, not ${JOBS}`);
    return { ms };
  } finally {
    await rm(outDir, { recursive: true, force: true });
  }
}

const bench = createRecorder(new URL('..', import.meta.url));
console.log('@sora-kit/queue benchmarks (lower ratios are better)\n');
const redis = await startRedis();
const emulator = await startServer(process.execPath, [
  emulatorBin,
  '--port',
  '0',
  '--job-seconds',
  String(JOB_SECONDS),
  '--quiet',
]);
const queueRuns = [];
const plainRuns = [];
try {
  for (let round = 0; round < ROUNDS; round++) {
    const queueFirst = round % 2 === 0;
    if (queueFirst) queueRuns.push(await runQueue(redis.url, emulator.url, round));
    plainRuns.push(await runPlain(emulator.url, round));
    if (!queueFirst) queueRuns.push(await runQueue(redis.url, emulator.url, round));
    console.log(
      `round ${round + 1}/${ROUNDS}: queue ${(queueRuns[round].ms / 1000).toFixed(1)} s, plain ${(plainRuns[round].ms / 1000).toFixed(1)} s`,
    );
  }
} finally {
  await emulator.close();
  await redis.stop();
}

const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
const queueMs = median(queueRuns.map((r) => r.ms));
const plainMs = median(plainRuns.map((r) => r.ms));
const vsIdeal = summarize(
  queueRuns.map((r) => r.ms / IDEAL_MS),
  'rounds',
);
const vsPlain = summarize(
  queueRuns.map((r, i) => r.ms / plainRuns[i].ms),
  'rounds',
);
const plainVsIdeal = summarize(
  plainRuns.map((r) => r.ms / IDEAL_MS),
  'rounds',
);
const perJob = queueRuns.map((r) => r.redisPerJob);
const setup = `${JOBS} emulator jobs of ${JOB_SECONDS} s`;
bench.add({
  id: 'queue.batch',
  title: `${setup} through the queue (${WORKERS} worker processes × concurrency ${CONCURRENCY}) vs the ideal (jobs / ${WORKERS * CONCURRENCY} × ${JOB_SECONDS} s = ${s(IDEAL_MS)})`,
  measured: `${ratioText(vsIdeal)}, ${s(queueMs)}; ${ratioText(vsPlain)} the plain loop's time`,
  target: '≤ 1.2x ideal',
  ok: vsIdeal.ratio <= 1.2,
  ratio: vsIdeal.ratio,
  varies: vsIdeal.varies,
  summary: true,
});
bench.add({
  id: 'queue.plain',
  title: `the same jobs without a queue (core's createAndPoll + downloadToFile, concurrency ${WORKERS * CONCURRENCY}, one process) vs the ideal`,
  measured: `${ratioText(plainVsIdeal)}, ${s(plainMs)}`,
  ratio: plainVsIdeal.ratio,
  varies: plainVsIdeal.varies,
});
bench.add({
  id: 'queue.redis-commands',
  title: 'Redis commands per job (workers and producer; those run inside BullMQ scripts included)',
  measured: `${median(perJob).toFixed(1)} (rounds ${Math.min(...perJob).toFixed(1)}-${Math.max(...perJob).toFixed(1)})`,
});
bench.note(
  `${ROUNDS} rounds, queue and plain loop alternating; every job downloads its MP4 (the emulator encodes it), which the ideal leaves out`,
);
bench.save();
