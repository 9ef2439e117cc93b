import { type JobsOptions, Queue } from 'bullmq';
import {
  type ConnectionOptions,
  closeConnection,
  connectionFailure,
  openConnection,
  type QueueConnection,
} from './connection.js';
import {
  DEFAULT_QUEUE_NAME,
  JOB_NAME,
  type VideoJobData,
  type VideoJobProgress,
  type VideoJobResult,
} from './job-data.js';
import { jobIdOf } from './job-id.js';
import { checkJobLine, type QueuedCreateParams, type VideoJobLine } from './job-line.js';

/** Options of {@link createVideoQueue}. */
export interface VideoQueueOptions extends ConnectionOptions {
  /** Redis: a `redis://` URL, ioredis options or an ioredis instance. */
  connection: QueueConnection;
  /**
   * How long to keep trying to reach Redis once the connection is down (at the start or mid-run), in ms;
   * then the connection ends and every call fails with a `QueueConnectionError` saying where and why. A
   * producer that a person waits on wants a few seconds; a service, the default. (An ioredis instance of
   * your own keeps its own retry strategy.) Default: forever.
   */
  reconnectForMs?: number | undefined;
  /** The queue's name; producers and workers must agree on it. Default: `sora-videos`. */
  name?: string | undefined;
  /**
   * Attempts per job for failures worth retrying (a broken connection, a 5xx), with exponential backoff
   * from `backoffMs`. A failed or expired video is never retried (it was paid for), and a 429 does not use
   * an attempt. Default: 8.
   */
  attempts?: number | undefined;
  /** The first retry's delay in ms, doubled each time. Default: 2000. */
  backoffMs?: number | undefined;
}

/** How many jobs are in each state. */
export interface VideoQueueCounts {
  waiting: number;
  active: number;
  delayed: number;
  completed: number;
  failed: number;
  /** Whether the queue is paused (`queue.pause()`): waiting jobs are not started. */
  paused: boolean;
}

/** What `add` did with a line. */
export interface AddResult {
  jobId: string;
  /** False when a job with this id was already in the queue (in any state): nothing was added. */
  added: boolean;
}

/** A producer: adds video jobs, reads the counts. */
export interface VideoQueue {
  readonly name: string;
  /** The BullMQ queue, for what this wrapper does not cover (dashboards, events, cleaning). */
  readonly queue: Queue<VideoJobData, VideoJobResult, string>;
  /** Adds one job; the same parameters and output add nothing twice. Checks them first (no request is made). */
  add(params: QueuedCreateParams, options?: { jobId?: string; output?: string }): Promise<AddResult>;
  /** Adds many jobs in one round trip; each line is checked first and the whole call refused if one is bad. */
  addBulk(lines: readonly (VideoJobLine & { jobId?: string })[]): Promise<AddResult[]>;
  /** The number of jobs in each state. */
  counts(): Promise<VideoQueueCounts>;
  /** The progress a job last reported, its state and result. */
  status(jobId: string): Promise<VideoJobStatus | undefined>;
  /** Closes the connection (if this queue opened it). */
  close(): Promise<void>;
}

/** One job as {@link VideoQueue.status} reports it. */
export interface VideoJobStatus {
  jobId: string;
  state: string;
  videoId: string | undefined;
  progress: VideoJobProgress | undefined;
  result: VideoJobResult | undefined;
  failedReason: string | undefined;
}

/**
 * Makes a producer of video jobs on BullMQ. Each job's id is derived from its line (or given), so adding
 * the same jobs file twice adds nothing twice; finished jobs are kept, so a line that already ran is not
 * run again either (remove them with BullMQ's `clean` when you mean to).
 *
 * @example
 * const videos = createVideoQueue({ connection: 'redis://127.0.0.1:6379/0' });
 * await videos.add({ prompt: 'a tiger in a farmyard', seconds: '8' }, { output: 'tiger.mp4' });
 */
export function createVideoQueue(options: VideoQueueOptions): VideoQueue {
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const open = openConnection(options.connection, options);
  const { redis } = open;
  const defaultJobOptions: JobsOptions = {
    attempts: options.attempts ?? 8,
    backoff: { type: 'exponential', delay: options.backoffMs ?? 2000 },
    // Kept: a finished job's id is what makes a second add of its line a no-op.
    removeOnComplete: false,
    removeOnFail: false,
  };
  const queue = new Queue<VideoJobData, VideoJobResult, string>(name, {
    connection: redis,
    defaultJobOptions,
  });
  // Connection errors are reported once per attempt through `onConnectionError`; without a listener,
  // BullMQ would print each one's stack to the console.
  queue.on('error', () => {});
  /** A call's failure, as a `QueueConnectionError` when the connection is what failed for good. */
  const guarded =
    <A extends unknown[], R>(call: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      try {
        return await call(...args);
      } catch (error) {
        throw connectionFailure(open, error);
      }
    };
  const prepare = (line: VideoJobLine & { jobId?: string }) => {
    const clean = checkJobLine(line);
    const jobId = line.jobId ?? jobIdOf(clean);
    if (!/^[A-Za-z0-9_.-]{1,200}$/.test(jobId) || /^\d+$/.test(jobId)) {
      throw new TypeError(
        `Invalid value for 'jobId': '${jobId.slice(0, 60)}'. Allowed: 1-200 of A-Z a-z 0-9 _ . -, not only digits.`,
      );
    }
    const data: VideoJobData =
      clean.output === undefined ? { params: clean.params } : { params: clean.params, output: clean.output };
    return { jobId, data };
  };
  const addPrepared = async (prepared: { jobId: string; data: VideoJobData }[]): Promise<AddResult[]> => {
    // BullMQ ignores an add whose id exists; asking first tells the caller which lines were new.
    const existed = await Promise.all(prepared.map(({ jobId }) => queue.getJobState(jobId)));
    await queue.addBulk(prepared.map(({ jobId, data }) => ({ name: JOB_NAME, data, opts: { jobId } })));
    return prepared.map(({ jobId }, i) => ({ jobId, added: existed[i] === 'unknown' }));
  };
  return {
    name,
    queue,
    async add(params, addOptions = {}) {
      const line = prepare({
        params,
        output: addOptions.output,
        ...(addOptions.jobId && { jobId: addOptions.jobId }),
      });
      const [result] = await guarded(addPrepared)([line]);
      return result as AddResult;
    },
    addBulk: async (lines) => guarded(addPrepared)(lines.map(prepare)),
    counts: guarded(async (): Promise<VideoQueueCounts> => {
      const [c, paused] = await Promise.all([
        queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized'),
        queue.isPaused(),
      ]);
      return {
        waiting: (c.waiting ?? 0) + (c.prioritized ?? 0),
        active: c.active ?? 0,
        delayed: c.delayed ?? 0,
        completed: c.completed ?? 0,
        failed: c.failed ?? 0,
        paused,
      };
    }),
    status: guarded(async (jobId: string): Promise<VideoJobStatus | undefined> => {
      const job = await queue.getJob(jobId);
      if (!job) return undefined;
      const progress =
        typeof job.progress === 'object' ? (job.progress as unknown as VideoJobProgress) : undefined;
      return {
        jobId,
        state: await job.getState(),
        videoId: job.data.videoId ?? progress?.videoId,
        progress,
        result: job.returnvalue ?? undefined,
        failedReason: job.failedReason || undefined,
      };
    }),
    async close() {
      // With Redis gone, BullMQ's close would wait for it: end the connection first.
      if (open.owned && redis.status !== 'ready') redis.disconnect();
      await queue.close().catch(() => {});
      await closeConnection(open);
    },
  };
}
