import { PollTimeoutError, VideoFailedError } from './errors.js';
import type { Video } from './generated/openapi.js';
import type { RequestOptions } from './options.js';
import { createPollSchedule, type PollScheduleOptions } from './poll-schedule.js';
import { sleep } from './request.js';
import { type NormalizedStatus, normalizeStatus, normalizeVideo } from './status.js';

/** One status answer, as `onProgress` receives it. */
export interface PollProgress {
  /** The job's id. */
  id: string;
  /** The status in the spec's names (`NOT_START` → `queued`, …), `expired`, or `unknown`. */
  status: NormalizedStatus;
  /** The status exactly as the server sent it. */
  rawStatus: string;
  /** Percent complete, 0-100, when the server reported it. */
  progress: number | undefined;
  /** The job (status normalized where known). */
  video: Video;
}

/** A time source: the real one by default; a fake one makes polling deterministic in tests. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Waits `ms`; rejects when `signal` fires. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** Options of `poll` and `createAndPoll`. */
export interface PollOptions extends PollScheduleOptions, Omit<RequestOptions, 'timeout'> {
  /** Called with every status answer (and, in `createAndPoll`, first with the new job, so you have its id). */
  onProgress?: ((event: PollProgress) => void) | undefined;
  /**
   * The most milliseconds to wait for the job: a deadline, which also aborts a status request still in
   * flight when it passes. Then `PollTimeoutError` with the job as last seen (it may still finish: poll it
   * again by id). The deadline of a request in flight runs on the real clock, even with a `clock` given.
   * Default: 1 800 000 (30 minutes).
   */
  timeout?: number | undefined;
  /** The per-request timeout of each status request. Default: the client's `timeout`. */
  requestTimeout?: number | undefined;
  /** The time source. Default: `performance.now()` and `setTimeout`. */
  clock?: Clock | undefined;
}

/** What one status request returned: the job as sent, and the answer (its headers may suggest a wait). */
export interface JobState {
  data: Video;
  response: Response;
}

/**
 * Polls a job until it is `completed` (resolves with it), `failed` or `expired` (rejects with
 * `VideoFailedError`), the `timeout` passes (`PollTimeoutError`) or `signal` fires (`APIUserAbortError`).
 * Gateway status names are tolerated; unknown ones keep it polling. Nothing is kept between calls but the
 * id, so a job survives a restart of the process: poll it again by id.
 */
export async function pollJob(
  fetchState: (id: string, options: RequestOptions) => Promise<JobState>,
  id: string,
  options: PollOptions = {},
  first?: JobState,
): Promise<Video> {
  const { clock = { now: () => performance.now(), sleep }, timeout: limit = 1_800_000, signal } = options;
  const deadline = clock.now() + limit;
  const next = createPollSchedule(options);
  // The deadline cuts the status request in flight too (a hung one would otherwise overrun it by its own
  // timeout and retries): every request of this poll listens to one controller, which the caller's signal
  // and the deadline both abort.
  const stop = new AbortController();
  const abort = () => stop.abort();
  // (An aborted signal never fires again: nothing to listen to then.)
  if (signal?.aborted) abort();
  else signal?.addEventListener('abort', abort);
  const request: RequestOptions = { ...options, timeout: options.requestTimeout, signal: stop.signal };
  let state = first;
  let last: Video | undefined;
  try {
    for (;;) {
      if (!state) {
        // setTimeout fires at once for more than 2^31-1 ms (24.8 days, far beyond any one status request).
        const timer = setTimeout(abort, Math.min(deadline - clock.now(), 2 ** 31 - 1));
        try {
          state = await fetchState(id, request);
        } catch (error) {
          // Stopped, and not by the caller: by the deadline.
          if (stop.signal.aborted && !signal?.aborted) {
            // All that is known of a job no status answer arrived for: its id.
            throw new PollTimeoutError(last ?? ({ id, status: 'unknown' } as Video), limit, !!last);
          }
          throw error;
        } finally {
          clearTimeout(timer);
        }
      }
      const status = normalizeStatus(state.data.status);
      const video = normalizeVideo(state.data);
      last = video;
      const progress = Number.isFinite(video.progress) ? video.progress : undefined;
      options.onProgress?.({ id, status, rawStatus: String(state.data.status), progress, video });
      if (status === 'completed') return video;
      if (status === 'failed' || status === 'expired') throw new VideoFailedError(video);
      const now = clock.now();
      if (now >= deadline) throw new PollTimeoutError(video, limit);
      // The server's suggested wait (NaN when it suggested none, or nonsense: the schedule takes only a
      // number from 0 up).
      const pollAfterMs = Number.parseFloat(state.response.headers.get('openai-poll-after-ms') ?? '');
      await clock.sleep(Math.min(next({ at: now, progress, pollAfterMs }), deadline - now), signal);
      state = undefined;
    }
  } finally {
    signal?.removeEventListener('abort', abort);
  }
}
