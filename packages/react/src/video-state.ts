import { type NormalizedStatus, normalizeStatus, type Video } from '@sora-kit/core';

/** What is known of a job: its last answer, the scheduler's estimate and the error that stopped polling. */
export interface VideoState {
  /** The job as last answered (status normalized where known); undefined before the first answer. */
  readonly video: Video | undefined;
  /** Core's normalized status (`queued`, `in_progress`, `completed`, `failed`, `expired`, `unknown`). */
  readonly status: NormalizedStatus | undefined;
  /** Percent complete, 0-100, when the server reported it. */
  readonly progress: number | undefined;
  /**
   * Milliseconds left until the job completes, as core's poll scheduler estimated it from the progress rate
   * at the last answer; undefined until progress moves; `0` once completed.
   */
  readonly etaMs: number | undefined;
  /** Why polling stopped: a core error class (`VideoFailedError` for a failed or expired job, …). */
  readonly error: Error | undefined;
}

/** The state of no job, or of one not answered yet. One object, so snapshots compare equal. */
export const EMPTY: VideoState = Object.freeze({
  video: undefined,
  status: undefined,
  progress: undefined,
  etaMs: undefined,
  error: undefined,
});

/** The state after an answer about `video`. */
export function stateOf(video: Video, etaMs?: number, error?: Error): VideoState {
  const status = normalizeStatus(video.status);
  const progress = Number.isFinite(video.progress) ? video.progress : undefined;
  return { video, status, progress, etaMs: status === 'completed' ? 0 : etaMs, error };
}

/** Whether the status is final: nothing will change by polling again. */
export const isTerminal = (status: NormalizedStatus | undefined): boolean =>
  status === 'completed' || status === 'failed' || status === 'expired';
