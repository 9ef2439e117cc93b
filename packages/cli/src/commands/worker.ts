/**
 * `sora-kit worker --queue redis://…`: runs jobs from a `@sora-kit/queue` queue until Ctrl-C, downloading each
 * video into --out-dir. Any number of workers on any number of machines share one queue and one rate limit.
 */
import { resolve } from 'node:path';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { type QueueOptions, queueUrl } from '../queue/queue-url.js';

interface WorkerOptions extends ApiOptions, QueueOptions {
  concurrency: number;
  outDir: string;
  rateLimit?: number;
}

export async function run(
  _args: string[],
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as WorkerOptions;
  const { out, signal } = env;
  const url = queueUrl(opts);
  const ctx = await openContext(opts, out);
  const { createVideoWorker, redactRedisUrl } = await import('@sora-kit/queue');
  const worker = createVideoWorker({
    connection: url,
    client: ctx.client,
    ...(opts.queueName && { name: opts.queueName }),
    concurrency: opts.concurrency,
    outDir: resolve(opts.outDir),
    ...(opts.rateLimit && { limiter: { max: opts.rateLimit, duration: 60_000 } }),
    onProgress: (jobId, p) => out.event({ type: 'progress', jobId, ...p }),
  });
  const w = worker.worker;
  w.on('active', (job) => {
    out.event({ type: 'active', jobId: job.id, videoId: job.data.videoId });
    out.info(`${job.id}: ${job.data.videoId ? `resuming ${job.data.videoId}` : 'creating'}`);
  });
  w.on('completed', (job, result) => {
    out.event({ type: 'completed', jobId: job.id, ...result });
    out.result(`${job.id}: ${result.videoId} saved${result.path ? ` to ${result.path}` : ''}`);
  });
  w.on('failed', (job, error) => {
    out.event({ type: 'failed', jobId: job?.id, error: error.message });
    out.error(`${job?.id ?? 'a job'}: ${error.message}`);
  });
  await w.waitUntilReady();
  out.info(
    `Worker on ${redactRedisUrl(url)} (queue '${opts.queueName ?? 'sora-videos'}', concurrency ${opts.concurrency}) → ${resolve(opts.outDir)}. Ctrl-C hands running jobs back.`,
  );
  await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
  // Handing back is safe: each job keeps its video id, and the next worker resumes polling it.
  out.info(
    'Stopping: running jobs go back to the queue and resume on another worker, none is created twice.',
  );
  await worker.close(true);
  await ctx.close();
  return ExitCode.Ok;
}
