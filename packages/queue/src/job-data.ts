import type { NormalizedStatus } from '@sora-kit/core';
import type { QueuedCreateParams } from './job-line.js';

/** What a queue job holds in Redis. */
export interface VideoJobData {
  params: QueuedCreateParams;
  /** The output file name, relative to the worker's output folder. */
  output?: string | undefined;
  /**
   * The API's video id, stored on the job as soon as the create answered and before any polling, so a
   * retried or recovered job resumes that video instead of creating (and paying for) another.
   */
  videoId?: string | undefined;
}

/** What a queue job reports with `job.updateProgress` while its video renders. */
export interface VideoJobProgress {
  videoId: string;
  status: NormalizedStatus;
  /** Percent, 0-100, when the API reported it. */
  progress: number | undefined;
}

/** A finished queue job's return value. */
export interface VideoJobResult {
  videoId: string;
  /** Where the video was written (the default output), else what your `output` returned. */
  path?: string | undefined;
  bytes?: number | undefined;
}

/** The BullMQ job name every video job carries. */
export const JOB_NAME = 'video';

/** The queue's name when none is given. */
export const DEFAULT_QUEUE_NAME = 'sora-videos';
