// `pnpm bench`: 300 emulator jobs of 3 s through the queue with 3 worker processes × concurrency 10,
// against the ideal (jobs / total concurrency × job time) and against the plain call a user would write
// without a queue (core's createAndPoll + downloadToFile at concurrency 30 in one process), both run here
// against one emulator in its own process. Also: Redis commands per job. Needs `pnpm build` and redis-server.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createSoraClient } from '@sora-kit/core';
import { downloadToFile } from '@sora-kit/core/node';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { createVideoQueue } from '../dist/index.js';
import { startRedis } from '../dist/test-support/redis-server.js';

const JOBS = Number(process.env.BENCH_JOBS ?? 300);
const JOB_SECONDS = 3;
const WORKERS = 3;
const CONCURRENCY = 10;
const emulatorBin = fileURLToPath(import.meta.resolve('@sora-kit/emulator').replace(/index\.js$/, 'bin.js'));
const workerScript = fileURLToPath(new URL('../test/worker-process.mjs', import.meta.url));

/** Spawns a process and resolves once a stdout line matches `ready`. */
function start(args, ready) {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${args[0]} exited (${code})`)));
    createInterface({ input: child.stdout }).on('line', (line) => {
      const match = line.match(ready);
      if (match) resolve({ child, match });
    });
  });
}

const commandCalls = async (redisUrl) => {
  const redis = new Redis(redisUrl);
  const info = await redis.info('commandstats');
  redis.disconnect();
  return [...info.matchAll(/calls=(\d+)/g)].reduce((sum, m) => sum + Number(m[1]), 0);
};

const lines = (tag) =>
  Array.from({ length: JOBS }, (_, i) => ({ params: { prompt: `${tag} ${i}` }, output: `${i}.mp4` }));

const redis = await startRedis();
const { child: emulator, match } = await start(
  [emulatorBin, '--port', '0', '--job-seconds', String(JOB_SECONDS), '--quiet'],
  /listening on (\S+)/,
);
const baseUrl = match[1];
const results = {};
try {
  // The queue: 3 worker processes, one producer.
  const outDir = await mkdtemp(join(tmpdir(), 'sora-queue-bench-'));
  const workers = await Promise.all(
    Array.from({ length: WORKERS }, () =>
      start([workerScript, redis.url, 'bench', baseUrl, outDir, String(CONCURRENCY)], /^ready$/),
    ),
  );
  const queue = createVideoQueue({ connection: redis.url, name: 'bench' });
  const callsBefore = await commandCalls(redis.url);
  // Completions are counted from BullMQ's event stream (one blocking read), not by polling the counts,
  // so that the Redis figure is the workers' own.
  const eventsConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
  const events = new QueueEvents('bench', { connection: eventsConnection });
  await events.waitUntilReady();
  let done = 0;
  const finished = new Promise((resolve) => events.on('completed', () => ++done === JOBS && resolve()));
  let t0 = performance.now();
  await queue.addBulk(lines('queued'));
  await finished;
  results.queueMs = performance.now() - t0;
  results.redisCallsPerJob = ((await commandCalls(redis.url)) - callsBefore) / JOBS;
  await events.close();
  eventsConnection.disconnect();
  await queue.close();
  for (const { child } of workers) child.kill('SIGKILL');
  await rm(outDir, { recursive: true, force: true });

  // The plain call: one process, core alone, 30 at a time.
  const plainDir = await mkdtemp(join(tmpdir(), 'sora-plain-bench-'));
  const client = createSoraClient({ apiKey: 'sk-bench-key-0000', baseUrl });
  const todo = lines('plain');
  t0 = performance.now();
  await Promise.all(
    Array.from({ length: WORKERS * CONCURRENCY }, async () => {
      for (let line = todo.shift(); line; line = todo.shift()) {
        const video = await client.videos.createAndPoll(line.params);
        await downloadToFile(client, video.id, join(plainDir, line.output));
      }
    }),
  );
  results.plainMs = performance.now() - t0;
  await rm(plainDir, { recursive: true, force: true });
} finally {
  emulator.kill('SIGTERM');
  await redis.stop();
}

const idealMs = (JOBS / (WORKERS * CONCURRENCY)) * JOB_SECONDS * 1000;
const s = (ms) => `${(ms / 1000).toFixed(1)} s`;
console.log(
  `\n${JOBS} emulator jobs of ${JOB_SECONDS} s, ${WORKERS} worker processes × concurrency ${CONCURRENCY}, emulator in its own process`,
);
console.log(`  ideal (jobs / ${WORKERS * CONCURRENCY} × ${JOB_SECONDS} s)            ${s(idealMs)}`);
console.log(
  `  plain core, concurrency ${WORKERS * CONCURRENCY}, one process  ${s(results.plainMs)}   (${(results.plainMs / idealMs).toFixed(2)}x ideal)`,
);
console.log(
  `  @sora-kit/queue                     ${s(results.queueMs)}   (${(results.queueMs / idealMs).toFixed(2)}x ideal, ${(results.queueMs / results.plainMs).toFixed(2)}x plain)`,
);
console.log(`  Redis commands per job              ${results.redisCallsPerJob.toFixed(1)}`);
console.log(`  target <= 1.2x ideal: ${results.queueMs / idealMs <= 1.2 ? 'ok' : 'OVER TARGET'}`);
