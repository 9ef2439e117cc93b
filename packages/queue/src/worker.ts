import { setMaxListeners } from 'node:events';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import {
  APIError,
  BadRequestError,
  NotFoundError,
  RateLimitError,
  retryAfterMs,
  type SoraClient,
  ValidationError,
  type Video,
  VideoFailedError,
} from '@sora-kit/core';
import { downloadToFile, findPartialDownloads } from '@sora-kit/core/node';
import { type Job, Queue, UnrecoverableError, Worker } from 'bullmq';
import {
  type ConnectionOptions,
  closeConnection,
  openConnection,
  type QueueConnection,
} from './connection.js';
import {
  DEFAULT_QUEUE_NAME,
  type VideoJobData,
  type VideoJobProgress,
  type VideoJobResult,
} from './job-data.js';
import { idempotencyKeyOf } from './job-id.js';
import { checkOutputName } from './job-line.js';
import { pauseLeft, pauseQueue } from './rate-limit-pause.js';

/** What `output` is given besides the completed video. */
export interface OutputContext {
  job: Job<VideoJobData, VideoJobResult>;
  client: SoraClient;
  /** Fires when the worker is closing: stop, the job will be handed back and resumed. */
  signal: AbortSignal;
}

/** Options of {@link createVideoWorker}. */
export interface VideoWorkerOptions extends ConnectionOptions {
  /** Redis: a `redis://` URL, ioredis options or an ioredis instance. */
  connection: QueueConnection;
  /** A core client (`createSoraClient(...)`): its key, base URL and fetch are used for every request. */
  client: SoraClient;
  /** The queue's name. Default: `sora-videos`. */
  name?: string | undefined;
  /** Jobs this worker runs at once (each mostly waits on the API). Default: 4. */
  concurrency?: number | undefined;
  /**
   * Jobs started per `duration` ms across **every** worker of the queue (BullMQ keeps the count in Redis).
   * A 429 from the API pauses the whole queue for its Retry-After whatever this says.
   * Default: `{ max: 1000, duration: 1000 }` (no practical limit, but BullMQ's workers honour the 429
   * pause only when they have a limiter).
   */
  limiter?: { max: number; duration: number } | undefined;
  /** The folder the default output downloads into. Default: the current folder. */
  outDir?: string | undefined;
  /**
   * What to do with a completed video. Default: download it with core's `downloadToFile` to
   * `outDir/<output>` (the line's `output`, else `<jobId>.mp4`), replacing a file left by an earlier attempt.
   */
  output?:
    | ((video: Video, context: OutputContext) => Promise<Partial<VideoJobResult> | undefined>)
    | undefined;
  /**
   * Ms a worker holds a job without renewing its lock before the job counts as stalled (its worker died)
   * and another worker takes it over, resuming its video by id. Default: 30 000 (BullMQ's).
   */
  lockDuration?: number | undefined;
  /** How often stalled jobs are looked for, in ms. Default: 30 000 (BullMQ's). */
  stalledInterval?: number | undefined;
  /**
   * The longest queue-wide pause one 429 may cause (its `retry-after-ms`, else `Retry-After`; 1 s when it
   * has neither). Default: 120 000 ms.
   */
  maxRateLimitPauseMs?: number | undefined;
  /**
   * Called with every progress report of every job this worker runs. (On the queue job, what `status()` and
   * BullMQ's `progress` events show, a report is stored at every new status and otherwise at most every 2 s.)
   */
  onProgress?: ((jobId: string, progress: VideoJobProgress) => void) | undefined;
}

/** A running worker. */
export interface VideoWorker {
  /** The BullMQ worker (events: `completed`, `failed`, `progress`, `error`, …). */
  readonly worker: Worker<VideoJobData, VideoJobResult, string>;
  /**
   * Stops taking jobs and lets the running ones finish (`force: false`, the default), or hands them back at
   * once (`force: true`): another worker resumes each one by its stored video id.
   */
  close(force?: boolean): Promise<void>;
}

/** The least time between two progress reports of a job stored in Redis, when its status is the same. */
const PROGRESS_STORE_MS = 2000;

const pauseFor = (error: RateLimitError, max: number) =>
  Math.min(max, Math.max(250, (error.headers && retryAfterMs(error.headers)) ?? 1000));

/**
 * Runs video jobs from the queue: create (with an `Idempotency-Key` derived from the queue job id) →
 * store the video id on the job → poll with core's progress-aware schedule, reporting progress → output
 * (by default a download to `outDir`). A job that already has a video id resumes polling it, so a retry,
 * a crash or a redeploy never pays for a second video.
 *
 * Failures: a failed or expired video fails its job at once, without retries (it was paid for); a bad
 * request likewise; a 429 pauses the **whole queue** for the Retry-After and hands the job back without
 * using an attempt; anything else (a broken connection, a 5xx) is retried with the queue's backoff.
 */
export function createVideoWorker(options: VideoWorkerOptions): VideoWorker {
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const { client } = options;
  const limiter = options.limiter ?? { max: 1000, duration: 1000 };
  const maxPause = options.maxRateLimitPauseMs ?? 120_000;
  const outDir = resolve(options.outDir ?? '.');
  // A worker is a service: it keeps trying to reach Redis for as long as it runs (reported per attempt).
  const open = openConnection(options.connection, options);
  const { redis } = open;
  // The queue handle is for the queue-wide pause: set on a 429, read before every create.
  const queue = new Queue(name, { connection: redis });
  const closing = new AbortController();
  // Every running job waits on this signal (polls, downloads): more than 10 at once is normal, not a leak.
  setMaxListeners(0, closing.signal);

  /** The job's output name, checked: Redis is outside input, and this runs before the paid create. */
  const outputName = (job: Job<VideoJobData, VideoJobResult>) => {
    try {
      return checkOutputName(job.data.output ?? `${job.id}.mp4`);
    } catch (error) {
      throw new UnrecoverableError((error as Error).message);
    }
  };

  const defaultOutput = async (video: Video, { job, signal }: OutputContext) => {
    const file = join(outDir, outputName(job));
    await mkdir(dirname(file), { recursive: true });
    // Temporary files of this output left by a worker that was killed mid-download (`kill -9`, a lost
    // machine): this worker holds the job's lock now, so no live download writes them; without this they
    // would stay forever beside the video. (The same rule as the CLI's takeover of a dead download's lock.)
    for (const stale of await findPartialDownloads(file)) await rm(stale, { force: true });
    const result = await downloadToFile(client, video.id, file, { overwrite: true, signal });
    return { path: result.path, bytes: result.bytes };
  };
  const output = options.output ?? defaultOutput;

  const run = async (job: Job<VideoJobData, VideoJobResult>): Promise<VideoJobResult> => {
    const signal = closing.signal;
    // Before anything is paid for: an output that can never be written fails the job now, not after the render.
    if (job.data.output !== undefined || !options.output) outputName(job);
    let videoId = job.data.videoId;
    if (!videoId) {
      // A queue-wide pause may have begun after this job was fetched: honour it before a paid request.
      if ((await pauseLeft(queue)) > 0) throw Worker.RateLimitError();
      const video = await client.videos.create(job.data.params, {
        idempotencyKey: idempotencyKeyOf(String(job.id)),
        // A 429 must pause every worker, not be waited out by this one alone: no client-side retry here.
        // A broken connection is retried by the queue, with the same key.
        maxRetries: 0,
        signal,
      });
      videoId = video.id;
      await job.updateData({ ...job.data, videoId });
    }
    let last = '';
    let stored = { status: '', at: 0 };
    const video = await client.videos.poll(videoId, {
      signal,
      onProgress: ({ status, progress }) => {
        const report: VideoJobProgress = { videoId: videoId as string, status, progress };
        const key = `${status}/${progress}`;
        if (key === last) return;
        last = key;
        options.onProgress?.(String(job.id), report);
        // In Redis: every new status at once, a new progress at most every PROGRESS_STORE_MS. Each store is a
        // script with a hash write and a stream event that every QueueEvents listener reads, and a short job
        // is polled every few hundred ms: unthrottled, progress was most of the queue's Redis commands.
        const now = performance.now();
        if (status === stored.status && now - stored.at < PROGRESS_STORE_MS) return;
        stored = { status, at: now };
        void job.updateProgress(report as unknown as object).catch(() => {});
      },
    });
    const extra = await output(video, { job, client, signal });
    return { videoId, ...extra };
  };

  const worker = new Worker<VideoJobData, VideoJobResult, string>(
    name,
    async (job) => {
      try {
        return await run(job);
      } catch (error) {
        if (RateLimitError.isInstance(error)) {
          // Every worker stops fetching jobs, and the ones already fetched stop before their create.
          await pauseQueue(redis, queue, pauseFor(error, maxPause));
          // Back to waiting without using an attempt; this worker waits out the pause too.
          throw Worker.RateLimitError();
        }
        if (VideoFailedError.isInstance(error)) throw new UnrecoverableError(error.message);
        // Nothing to retry: the request itself is wrong, or the video is gone (deleted, expired, unknown id).
        if (
          ValidationError.isInstance(error) ||
          BadRequestError.isInstance(error) ||
          NotFoundError.isInstance(error)
        ) {
          throw new UnrecoverableError((error as Error).message);
        }
        if (APIError.isInstance(error) && error.status === 401) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    {
      connection: redis,
      concurrency: options.concurrency ?? 4,
      limiter,
      // BullMQ takes `undefined` as a value, not as "use the default".
      ...(options.lockDuration !== undefined && { lockDuration: options.lockDuration }),
      ...(options.stalledInterval !== undefined && { stalledInterval: options.stalledInterval }),
      // A job whose worker died mid-poll resumes by its video id: being taken over is safe, so allow it often.
      maxStalledCount: 10,
    },
  );
  // Without a listener an 'error' event (Redis gone for a moment) would end the process; ioredis
  // reconnects by itself.
  worker.on('error', () => {});
  queue.on('error', () => {});

  return {
    worker,
    async close(force = false) {
      if (force) closing.abort();
      // With Redis gone, nothing can be handed back (the jobs' locks expire and another worker takes them
      // over, by their stored video ids), and BullMQ's close would wait for it: end the connection first.
      if (open.owned && redis.status !== 'ready') redis.disconnect();
      await worker.close(force);
      await queue.close().catch(() => {});
      await closeConnection(open);
    },
  };
}
