/**
 * `sora-kit batch jobs.jsonl --queue redis://…`: the jobs file checked as for a local batch, then added to a
 * `@sora-kit/queue` queue (a line added twice is one job) and, unless --no-wait, followed until each of its
 * jobs ends. `sora-kit batch status --queue …` prints the queue's counts.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { VideoJobLine } from '@sora-kit/queue';
import { type BatchJob, readJobParams, readJobsFile } from '../batch/jobs-file.js';
import type { CommandEnv } from '../command-env.js';
import { ExitCode } from '../exit-codes.js';
import { type QueueOptions, queueUrl } from './queue-url.js';

interface BatchQueueOptions extends QueueOptions {
  wait?: boolean;
}

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
};

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

export async function enqueue(
  file: string,
  options: Record<string, unknown>,
  env: CommandEnv,
): Promise<number> {
  const opts = options as unknown as BatchQueueOptions;
  const { out, signal } = env;
  const url = queueUrl(opts);
  const jobs = await readJobsFile(file, {
    ...(typeof options.maxLineBytes === 'number' && { maxLineBytes: options.maxLineBytes }),
    ...(typeof options.maxJobs === 'number' && { maxJobs: options.maxJobs }),
  });
  const lines: VideoJobLine[] = [];
  for (const job of jobs) lines.push(await toQueueLine(file, job));
  const { createVideoQueue, redactRedisUrl } = await import('@sora-kit/queue');
  const videos = createVideoQueue({ connection: url, ...(opts.queueName && { name: opts.queueName }) });
  try {
    const added = await videos.addBulk(lines);
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
      signal,
    );
  } finally {
    await videos.close();
  }
}

/** Polls the states of this batch's jobs (a few Redis round trips a second) until each has ended. */
async function follow(
  videos: import('@sora-kit/queue').VideoQueue,
  jobIds: string[],
  { out }: CommandEnv,
  signal: AbortSignal,
): Promise<number> {
  const ended = new Map<string, 'completed' | 'failed'>();
  out.info('Following the jobs (Ctrl-C stops following; the workers carry on).');
  while (ended.size < jobIds.length && !signal.aborted) {
    for (const jobId of jobIds) {
      if (ended.has(jobId)) continue;
      const status = await videos.status(jobId);
      if (status?.state === 'completed' || status?.state === 'failed') {
        ended.set(jobId, status.state);
        out.event({ type: status.state, ...status });
        if (status.state === 'completed')
          out.result(`${jobId}: ${status.videoId} → ${status.result?.path ?? 'done'}`);
        else out.error(`${jobId}: failed: ${status.failedReason ?? 'unknown reason'}`);
      }
    }
    if (ended.size < jobIds.length) await new Promise((r) => setTimeout(r, 500));
  }
  const failed = [...ended.values()].filter((s) => s === 'failed').length;
  out.info(
    `${ended.size - failed} completed, ${failed} failed, ${jobIds.length - ended.size} still running.`,
  );
  return failed > 0 || ended.size < jobIds.length ? ExitCode.Failed : ExitCode.Ok;
}

export async function status(options: Record<string, unknown>, env: CommandEnv): Promise<number> {
  const opts = options as unknown as BatchQueueOptions;
  const { createVideoQueue, redactRedisUrl } = await import('@sora-kit/queue');
  const url = queueUrl(opts);
  const videos = createVideoQueue({ connection: url, ...(opts.queueName && { name: opts.queueName }) });
  try {
    const counts = await videos.counts();
    env.out.event({ type: 'counts', queue: videos.name, ...counts });
    if (!env.out.json) {
      env.out.result(`${redactRedisUrl(url)} queue '${videos.name}'${counts.paused ? ' (paused)' : ''}`);
      for (const [state, n] of Object.entries(counts))
        if (typeof n === 'number') env.out.result(`  ${state.padEnd(10)} ${n}`);
    }
    return ExitCode.Ok;
  } finally {
    await videos.close();
  }
}
