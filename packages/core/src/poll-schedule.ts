/** Tuning of the poll scheduler; every field is optional. */
export interface PollScheduleOptions {
  /** The shortest wait between two status requests, in ms. Default: 500. */
  minIntervalMs?: number | undefined;
  /** The longest wait between two status requests, in ms. Default: 10 000. */
  maxIntervalMs?: number | undefined;
  /**
   * The first wait while nothing tells how fast the job goes (no progress yet, or a server that reports
   * none), in ms; it then grows by half each time, up to `maxIntervalMs`. Default: 1 000.
   */
  initialIntervalMs?: number | undefined;
  /**
   * Called with every answer's estimate of the milliseconds left until the job completes (its progress
   * reaching 100 at the rate fitted below; `0` once it is overdue), or `undefined` while progress has not
   * moved. The estimate is made whether or not the server sent `openai-poll-after-ms`. Default: none.
   */
  onEstimate?: ((etaMs: number | undefined) => void) | undefined;
}

/** What one status answer told the scheduler. */
export interface PollSample {
  /** When the answer arrived, in ms on any monotonic clock. */
  at: number;
  /** The job's progress, 0-100, when the server reported one. */
  progress?: number | undefined;
  /** The server's `openai-poll-after-ms`, when it sent one. */
  pollAfterMs?: number | undefined;
}

/**
 * Decides how long to wait before the next status request, learning from the progress the server reports.
 *
 * - The server's `openai-poll-after-ms` wins when present (floored at 100 ms, so a `0` cannot make a
 *   request loop).
 * - Otherwise the rate is fitted from the first sample after progress started to move and the newest (from
 *   the last one before it moved while there is only one), so time spent queued does not make the job look
 *   slow. The finish is predicted from that rate and the next request is timed for it, but no further ahead
 *   than the time observed since progress began (an early estimate is checked again before the waits grow
 *   long), and within `[minIntervalMs, maxIntervalMs]`. Each answer refits, so the estimate sharpens as the
 *   end nears.
 * - When progress reads 100 but the job is not done yet, it polls at the minimum interval at first, then
 *   slower (a quarter of the time it has been overdue), so a slow finish is neither missed nor hammered.
 * - With no progress to go by, waits grow from `initialIntervalMs` by half each time.
 *
 * A 20 s job with linear progress thus takes about 6 status requests (polling every second: 20), and its
 * end is seen within `minIntervalMs` of it.
 */
export function createPollSchedule(options: PollScheduleOptions = {}): (sample: PollSample) => number {
  const min = options.minIntervalMs ?? 500;
  const max = options.maxIntervalMs ?? 10_000;
  const initial = options.initialIntervalMs ?? 1_000;
  const clamp = (ms: number) => Math.min(max, Math.max(min, ms));
  type Point = { at: number; progress: number };
  let base: Point | undefined; // the last sample before progress moved
  let moving: Point | undefined; // the first sample after it did
  let last = Number.NEGATIVE_INFINITY;
  let blind = 0;
  let doneSince: number | undefined;
  return ({ at, progress, pollAfterMs }) => {
    const known = typeof progress === 'number' && Number.isFinite(progress);
    if (known) {
      // Restart the fit while progress has not moved, or when it went back (a job with several stages).
      if (!base || progress <= base.progress || progress < last) {
        base = { at, progress };
        moving = undefined;
      } else moving ??= { at, progress };
      last = progress;
    }
    let left: number | undefined;
    if (known && base && progress > base.progress) {
      // Progress started somewhere between `base` and `moving`: a rate from `base` is too slow, so the
      // two moving samples are used as soon as there are two.
      const from = moving && moving.at < at ? moving : base;
      // An integer reading is most likely rounded down (a job at 99.6 % reads 99): aim at the middle.
      const ahead = 100 - progress - (Number.isInteger(progress) ? 0.5 : 0);
      left = (ahead * (at - from.at)) / (progress - from.progress);
    }
    options.onEstimate?.(left === undefined ? undefined : Math.max(0, left));
    if (typeof pollAfterMs === 'number' && pollAfterMs >= 0) return Math.max(pollAfterMs, 100);
    if (left !== undefined && base) {
      blind = 0;
      if (left > 0) {
        doneSince = undefined;
        // Look no further ahead than the time observed since progress began: an early estimate is
        // checked again before the wait grows long.
        return clamp(Math.min(left, at - base.at));
      }
      doneSince ??= at;
      return clamp((at - doneSince) / 4);
    }
    return clamp(initial * 1.5 ** blind++);
  };
}
