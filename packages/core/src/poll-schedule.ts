/** Tuning of the poll scheduler; every field is optional. */
export interface PollScheduleOptions {
  /**
   * The shortest wait between two status requests, in ms, but for one: the wait aimed at the predicted
   * finish may be shorter (down to 100 ms), since its answer either shows the end or puts the job past its
   * prediction, where the waits are at least this long again. Default: 500.
   */
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
 *   end nears. An integer reading is taken as rounded down (99 may be 99.9). When its 1 % step lasts less
 *   than `minIntervalMs`, the aim is the step's end: just after the finish, never just before it, which
 *   would cost one more request and a wait of at least `minIntervalMs`; so that wait may be shorter than
 *   `minIntervalMs` (down to 100 ms), once. A longer step is aimed at its middle.
 * - When progress reads 100 but the job is not done yet, it polls at the minimum interval at first, then
 *   slower (a quarter of the time it has been overdue), so a slow finish is neither missed nor hammered.
 * - With no progress to go by, waits grow from `initialIntervalMs` by half each time.
 *
 * A 20 s job with linear progress thus takes about 6 status requests (polling every second: 20), and its
 * end is seen within one step of its progress (a 1 % step of a 20 s job is 0.2 s).
 */
export function createPollSchedule(options: PollScheduleOptions = {}): (sample: PollSample) => number {
  const {
    minIntervalMs: min = 500,
    maxIntervalMs: max = 10_000,
    initialIntervalMs: initial = 1_000,
  } = options;
  // (Literal numbers below, which a bundle of the built package would not inline if they were named: 100 ms
  // is the shortest wait of all, for a server's `openai-poll-after-ms: 0` or a finish predicted in a
  // moment; 20 ms is added to a predicted finish, so the answer comes a moment after it, not at the same ms.)
  const clamp = (ms: number) => Math.min(max, Math.max(min, ms));
  type Point = { at: number; progress: number };
  let base: Point | undefined; // the last sample before progress moved
  let moving: Point | undefined; // the first sample after it did
  let last = -Infinity;
  let blind = 0;
  let doneSince: number | undefined;
  let aimedShort: boolean | undefined; // the last wait was a short one aimed at the finish
  return ({ at, progress, pollAfterMs }) => {
    const known = Number.isFinite(progress);
    const p = progress as number; // a finite number wherever it is read below
    if (known) {
      // Restart the fit while progress has not moved, or when it went back (a job with several stages).
      if (!base || p <= base.progress || p < last) {
        base = { at, progress: p };
        moving = undefined;
      } else moving ??= { at, progress: p };
      last = p;
    }
    // Progress started somewhere between `base` and `moving`: a rate from `base` is too slow, so the
    // two moving samples are used as soon as there are two. (Only once progress moved past `base`.)
    const from = known && base && p > base.progress ? (moving && moving.at < at ? moving : base) : undefined;
    // Milliseconds per percent, and those left when the reading is taken as `half` a step short of it (an
    // integer reading is most likely rounded down: 99.6 reads 99).
    const step = from && (at - from.at) / (p - from.progress);
    const left = (half: boolean) => (100 - p - (half && Number.isInteger(p) ? 0.5 : 0)) * step!;
    // The estimate (for progress bars) aims at the middle of the reading's step, whatever the waits do.
    options.onEstimate?.(from && Math.max(0, left(true)));
    if (typeof pollAfterMs === 'number' && pollAfterMs >= 0) return Math.max(pollAfterMs, 100);
    if (from) {
      blind = 0;
      // Where in the reading's step to aim. A step shorter than `min` (a 1 % step of a 20 s job is 0.2 s):
      // at its end, so the request lands just after the finish, never just before it (which would cost one
      // more, `min` later). A longer step: at its middle, and the requests that follow, `min` apart, close
      // in on the finish.
      const ahead = left(step! > min);
      if (ahead > 0) {
        doneSince = undefined;
        // Look no further ahead than the time observed since progress began: an early estimate is
        // checked again before the wait grows long.
        const wait = Math.min(ahead + 20, at - base!.at);
        // Shorter than `min` once, when aimed at the finish: its answer most likely shows the end.
        aimedShort = wait < min && !aimedShort;
        return aimedShort ? Math.max(wait, 100) : clamp(wait);
      }
      doneSince ??= at;
      return clamp((at - doneSince) / 4);
    }
    return clamp(initial * 1.5 ** blind++);
  };
}
