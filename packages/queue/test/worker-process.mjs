/**
 * A worker as its own process, for the multi-process tests and the bench, running the built package:
 * `node test/worker-process.mjs <redis-url> <queue-name> <api-base-url> <out-dir> <concurrency> [lockMs] [stalledMs] [output]`.
 * `output` is `download` (the default output) or `none` (no download: for tests of the creates alone, so the
 * emulator is not busy rendering MP4s). Prints `ready` once it runs and one JSON line per progress report (so
 * a test knows which jobs it holds).
 */
import { createSoraClient } from '@sora-kit/core';
import { createVideoWorker } from '../dist/index.js';

const [
  redisUrl,
  name,
  baseUrl,
  outDir,
  concurrency = '10',
  lockMs = '30000',
  stalledMs = '30000',
  output = 'download',
] = process.argv.slice(2);
const client = createSoraClient({ apiKey: 'sk-queue-test-key', baseUrl });
const worker = createVideoWorker({
  connection: redisUrl,
  name,
  client,
  outDir,
  concurrency: Number(concurrency),
  lockDuration: Number(lockMs),
  stalledInterval: Number(stalledMs),
  ...(output === 'none' && { output: async () => ({}) }),
  onProgress: (jobId, p) => process.stdout.write(`${JSON.stringify({ jobId, ...p })}\n`),
});
await worker.worker.waitUntilReady();
process.stdout.write('ready\n');
const stop = async () => {
  // Graceful, but bounded: with Redis gone a close would wait for it forever.
  await Promise.race([worker.close(), new Promise((resolve) => setTimeout(resolve, 5000))]);
  process.exit(0);
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
