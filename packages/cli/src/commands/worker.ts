/**
 * `sora-kit worker --queue redis://…`: runs jobs from a `@sora-kit/queue` queue until Ctrl-C or SIGTERM,
 * downloading each video into --out-dir. Any number of workers on any number of machines share one queue
 * and one rate limit.
 *
 * A daemon: when Redis is unreachable, refuses the password or goes away, it says so in one line per
 * reconnect attempt (with the backoff before the next) and keeps trying; never a stack trace.
 */
import { resolve } from 'node:path';
import type { CommandEnv } from '../command-env.js';
import { type ApiOptions, openContext } from '../context.js';
import { ExitCode } from '../exit-codes.js';
import { loadQueue } from '../queue/load-queue.js';
import { unlessAborted } from '../queue/queue-failure.js';
import { type QueueOptions, queueUrl } from '../queue/queue-url.js';

/** `0.5 s`, `30 s`: a backoff or an outage, as a person reads it. */
const seconds = (ms: number) =>
  `${ms < 10_000 ? (ms / 1000).toFixed(1).replace(/\.0$/, '') : Math.round(ms / 1000)} s`;

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
  const { createVideoWorker, redactRedisUrl } = await loadQueue();
  const ctx = await openContext(opts, out);
  const worker = createVideoWorker({
    connection: url,
    client: ctx.client,
    ...(opts.queueName && { name: opts.queueName }),
    concurrency: opts.concurrency,
    outDir: resolve(opts.outDir),
    ...(opts.rateLimit && { limiter: { max: opts.rateLimit, duration: 60_000 } }),
    onProgress: (jobId, p) => out.event({ type: 'progress', jobId, ...p }),
    onConnectionError: (p) => {
      out.event({
        type: 'connection_error',
        url: p.url,
        reason: p.reason,
        code: p.code ?? null,
        attempt: p.attempt,
        retry_in_ms: p.retryInMs ?? null,
      });
      const next =
        p.retryInMs === undefined ? '' : `; retrying in ${seconds(p.retryInMs)} (attempt ${p.attempt})`;
      out.error(`${out.style.yellow('queue:')} Redis at ${p.url}: ${p.reason}${next}.`);
    },
    onReconnected: ({ url: where, downMs }) => {
      out.event({ type: 'connected', url: where, down_ms: Math.round(downMs) });
      out.info(`queue: connected to Redis at ${where} again (it was away ${seconds(downMs)}).`);
    },
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
  try {
    // Redis may be away: the connection lines above say so while this waits, and a signal ends the wait.
    await unlessAborted(w.waitUntilReady(), signal)
      .then(() => {
        out.event({ type: 'ready', url: redactRedisUrl(url), queue: opts.queueName ?? 'sora-videos' });
        out.info(
          `Worker on ${redactRedisUrl(url)} (queue '${opts.queueName ?? 'sora-videos'}', concurrency ${opts.concurrency}) → ${resolve(opts.outDir)}. Ctrl-C or SIGTERM hands running jobs back.`,
        );
      })
      .catch((error) => {
        if (!signal.aborted) throw error;
      });
    if (!signal.aborted)
      await new Promise<void>((done) => signal.addEventListener('abort', () => done(), { once: true }));
    // Handing back is safe: each job keeps its video id, and the next worker resumes polling it.
    out.info(
      'Stopping: running jobs go back to the queue and resume on another worker, none is created twice.',
    );
  } finally {
    await worker.close(true);
    await ctx.close();
  }
  out.info('Stopped.');
  return ExitCode.Ok;
}
