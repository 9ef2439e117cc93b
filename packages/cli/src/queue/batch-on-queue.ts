/**
 * `sora-kit batch jobs.jsonl --queue redis://…`: the jobs file checked as for a local batch, then added to a
 * `@sora-kit/queue` queue (a line added twice is one job) and, unless --no-wait, followed until each of its
 * jobs ends. `sora-kit batch status --queue …` prints the queue's counts.
 *
 * Redis unreachable, refusing the password, or gone for more than a few seconds mid-run: one line naming
 * the URL and the reason, exit 1 (see queue-failure.ts). Ctrl-C or SIGTERM stops following at once; the
 * jobs stay queued and the workers carry on.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { VideoJobLine, VideoQueue } from '@sora-kit/queue';
import { type BatchJob, readJobParams, readJobsFile } from '../batch/jobs-file.js';
import { InterruptedError } from '../cli-error.js';
import type { CommandEnv } from '../command-env.js';
import { ExitCode } from '../exit-codes.js';
import { shellQuote } from '../shell-quote.js';
import { loadQueue } from './load-queue.js';
import { PRODUCER_RECONNECT_MS, queueFailure, unlessAborted } from './queue-failure.js';
import { type QueueOptions, queueArgs, queueUrl } from './queue-url.js';

interface BatchQueueOptions extends QueueOptions {
  wait?: boolean;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

/** How often the follower reads its jobs' states (a few Redis round trips each time). */
const FOLLOW_EVERY_MS = 500;

/** A line's first-frame image travels through Redis as a `data:` URL that every worker can read. */
async function toQueueLine(file: string, job: BatchJob): Promise<VideoJobLine> {
  const params: VideoJobLine['params'] = { ...(await readJobParams(file, job)) };
  if (job.inputReference) {
    const type = IMAGE_TYPES[extname(job.inputReference).toLowerCase()] ?? 'application/octet-stream';
    const bytes = await readFile(job.inputReference);
    params.input_reference = { image_url: `data:${type};base64,${bytes.toString('base64')}` };
  }
  return { params, output: job.output };
}

/** Opens the producer: a few seconds of retries, then its calls fail with where and why. */
async function openQueue(url: string, opts: BatchQueueOptions): Promise<VideoQueue> {
  const { createVideoQueue } = await loadQueue();
  return createVideoQueue({
    connection: url,
    reconnectForMs: PRODUCER_RECONNECT_MS,
    ...(opts.queueName && { name: opts.queueName }),
  });
}

export async function enqueue(
  file: string,
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as BatchQueueOptions;
  const { out, signal } = env;
  const url = queueUrl(opts);
  const { redactRedisUrl } = await loadQueue();
  const jobs = await readJobsFile(file, {
    ...(typeof options.maxLineBytes === 'number' && { maxLineBytes: options.maxLineBytes }),
    ...(typeof options.maxJobs === 'number' && { maxJobs: options.maxJobs }),
  });
  const lines: VideoJobLine[] = [];
  for (const job of jobs) lines.push(await toQueueLine(file, job));
  const videos = await openQueue(url, opts);
  const again = `sora-kit batch ${shellQuote(file)}${queueArgs(opts, shellQuote)}`;
  try {
    const added = await unlessAborted(videos.addBulk(lines), signal).catch((error) => {
      if (!signal.aborted) throw error;
      throw new InterruptedError(
        'Interrupted while adding the jobs: some may be queued. Adding again adds nothing twice.',
        `Run again: ${again}`,
      );
    });
    const fresh = added.filter((a) => a.added).length;
    for (const [i, a] of added.entries())
      out.event({ type: 'enqueued', line: jobs[i]?.line, jobId: a.jobId, added: a.added });
    out.info(
      `${fresh} job${fresh === 1 ? '' : 's'} added to ${redactRedisUrl(url)} (queue '${videos.name}')${added.length > fresh ? `, ${added.length - fresh} already there (not added twice)` : ''}.`,
    );
    if (opts.wait === false) return ExitCode.Ok;
    return await follow(
      videos,
      added.map((a) => a.jobId),
      env,
      again,
    );
  } catch (error) {
    throw queueFailure(error);
  } finally {
    await videos.close();
  }
}

/** Polls the states of this batch's jobs (a few Redis round trips a second) until each has ended. */
async function follow(videos: VideoQueue, jobIds: string[], { out, signal }: CommandEnv, again: string) {
  const ended = new Map<string, 'completed' | 'failed'>();
  out.info('Following the jobs (Ctrl-C stops following; the workers carry on).');
  const summary = () => {
    const failed = [...ended.values()].filter((s) => s === 'failed').length;
    return `${ended.size - failed} completed, ${failed} failed, ${jobIds.length - ended.size} still running.`;
  };
  try {
    while (ended.size < jobIds.length) {
      for (const jobId of jobIds) {
        if (ended.has(jobId)) continue;
        const status = await unlessAborted(videos.status(jobId), signal);
        if (status?.state === 'completed' || status?.state === 'failed') {
          ended.set(jobId, status.state);
          out.event({ type: status.state, ...status });
          if (status.state === 'completed')
            out.result(`${jobId}: ${status.videoId} → ${status.result?.path ?? 'done'}`);
          else out.error(`${jobId}: failed: ${status.failedReason ?? 'unknown reason'}`);
        }
      }
      if (ended.size < jobIds.length)
        await unlessAborted(new Promise((r) => setTimeout(r, FOLLOW_EVERY_MS)), signal);
    }
  } catch (error) {
    if (!signal.aborted) throw error;
    throw new InterruptedError(
      `Stopped following: ${summary()} The jobs stay queued and the workers carry on; follow them again with: ${again}`,
    );
  }
  out.info(summary());
  return [...ended.values()].includes('failed') ? ExitCode.Failed : ExitCode.Ok;
}

export async function status(options: Record<string, unknown>, env: CommandEnv): Promise<number> {
  const opts = options as unknown as BatchQueueOptions;
  const url = queueUrl(opts);
  const { redactRedisUrl } = await loadQueue();
  const videos = await openQueue(url, opts);
  try {
    const counts = await unlessAborted(videos.counts(), env.signal);
    env.out.event({ type: 'counts', queue: videos.name, ...counts });
    if (!env.out.json) {
      env.out.result(`${redactRedisUrl(url)} queue '${videos.name}'${counts.paused ? ' (paused)' : ''}`);
      for (const [state, n] of Object.entries(counts))
        if (typeof n === 'number') env.out.result(`  ${state.padEnd(10)} ${n}`);
    }
    return ExitCode.Ok;
  } catch (error) {
    throw queueFailure(error);
  } finally {
    await videos.close();
  }
}
