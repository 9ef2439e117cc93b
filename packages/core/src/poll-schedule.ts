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
 * - Otherwise the rate is fitted from two samples: the last one before progress started to move (a job
 *   that sat in a queue does not look slow) and the newest. The finish is predicted from that rate and the
 *   next request is timed for it, within `[minIntervalMs, maxIntervalMs]`. Waits capped at the maximum give
 *   fresh samples that correct the estimate as the end nears.
 * - When progress reads 100 but the job is not done yet, it polls at the minimum interval at first, then
 *   slower (a quarter of the time it has been overdue), so a slow finish is neither missed nor hammered.
 * - With no progress to go by, waits grow from `initialIntervalMs` by half each time.
 *
 * A 20 s job with linear progress thus takes 3 or 4 status requests (polling every second: 20), and its
 * end is seen within `minIntervalMs` of it.
 */
export function createPollSchedule(options: PollScheduleOptions = {}): (sample: PollSample) => number {
  const min = options.minIntervalMs ?? 500;
  const max = options.maxIntervalMs ?? 10_000;
  const initial = options.initialIntervalMs ?? 1_000;
  const clamp = (ms: number) => Math.min(max, Math.max(min, ms));
  let base: { at: number; progress: number } | undefined;
  let blind = 0;
  let doneSince: number | undefined;
  return ({ at, progress, pollAfterMs }) => {
    const known = typeof progress === 'number' && Number.isFinite(progress);
    // Restart the fit while progress has not moved (or went back: a job with several stages).
    if (known && (!base || progress <= base.progress)) base = { at, progress };
    if (typeof pollAfterMs === 'number' && pollAfterMs >= 0) return Math.max(pollAfterMs, 100);
    if (known && base && progress > base.progress) {
      const left = (100 - progress) / ((progress - base.progress) / (at - base.at));
      if (left > 0) {
        doneSince = undefined;
        return clamp(left);
      }
      doneSince ??= at;
      return clamp((at - doneSince) / 4);
    }
    return clamp(initial * 1.5 ** blind++);
  };
}
