import { describe, expect, test } from 'vitest';
import { createPollSchedule, type PollScheduleOptions } from './poll-schedule.js';

/**
 * Polls a simulated job: `progressAt(t)` while it runs, done from `endMs`. The first sample is the create
 * answer at t = 0. Answers how many status requests it took and how late the end was seen.
 */
function simulate(
  endMs: number,
  progressAt: (t: number) => number | undefined,
  options?: PollScheduleOptions,
) {
  const next = createPollSchedule(options);
  let t = 0;
  let requests = 0;
  let progress = progressAt(0);
  for (;;) {
    t += next({ at: t, progress });
    requests++;
    if (t >= endMs) return { requests, lateMs: t - endMs };
    progress = progressAt(t);
    if (requests > 10_000) throw new Error('never ends');
  }
}

const linear =
  (endMs: number, queuedMs = 0) =>
  (t: number) =>
    Math.min(99, Math.max(0, Math.floor(((t - queuedMs) / (endMs - queuedMs)) * 100)));

describe('poll schedule', () => {
  test('a 20 s job with linear progress: at most 10 requests, end seen within 1 s', () => {
    const { requests, lateMs } = simulate(20_000, linear(20_000));
    expect(requests).toBeLessThanOrEqual(10);
    expect(lateMs).toBeLessThanOrEqual(1000);
    // Fixed polling every second would take 20 requests.
    expect(requests).toBeLessThanOrEqual(7);
  });

  test('linear jobs of many lengths, with and without a queue: few requests, end seen quickly', () => {
    for (const endMs of [3_000, 8_000, 20_000, 45_000, 90_000, 180_000, 600_000]) {
      for (const queuedShare of [0, 0.15, 0.5]) {
        const { requests, lateMs } = simulate(endMs, linear(endMs, endMs * queuedShare));
        // With a queue of unknown length the first waits are blind (1 s growing by half, at most 10 s).
        expect(requests, `${endMs} ms, queued ${queuedShare}`).toBeLessThanOrEqual(
          6 + endMs / 10_000 + (queuedShare ? 6 : 0),
        );
        // Integer progress cannot resolve finer than 1 % of the job (6 s of a 10 minute one).
        expect(lateMs, `${endMs} ms, queued ${queuedShare}`).toBeLessThanOrEqual(
          Math.max(1000, endMs * 0.002),
        );
      }
    }
  });

  test('non-linear progress (fast start, slow end) still ends within a bounded lateness', () => {
    const endMs = 60_000;
    const { lateMs, requests } = simulate(endMs, (t) =>
      Math.floor(100 * Math.sqrt(Math.min(t, endMs - 1) / endMs)),
    );
    expect(lateMs).toBeLessThanOrEqual(2000);
    expect(requests).toBeLessThanOrEqual(25);
  });

  test('without progress it backs off from the initial interval by half, up to the maximum', () => {
    const next = createPollSchedule();
    const waits = Array.from({ length: 9 }, (_, i) => next({ at: i * 1000 }));
    expect(waits).toEqual([1000, 1500, 2250, 3375, 5062.5, 7593.75, 10_000, 10_000, 10_000]);
  });

  test('the server suggestion wins (floored at 100 ms)', () => {
    const next = createPollSchedule();
    expect(next({ at: 0, progress: 0, pollAfterMs: 2500 })).toBe(2500);
    expect(next({ at: 2500, progress: 50, pollAfterMs: 0 })).toBe(100);
  });

  test('waits stay within min and max', () => {
    const next = createPollSchedule({ minIntervalMs: 300, maxIntervalMs: 4000 });
    next({ at: 0, progress: 0 });
    expect(next({ at: 1000, progress: 1 })).toBe(1000); // 99 s left, but seen moving for 1 s only
    expect(next({ at: 5000, progress: 5 })).toBe(4000); // seen for 5 s: capped at the maximum
    expect(next({ at: 100_000, progress: 99.99 })).toBe(100); // a moment left: one wait aimed at it, under the minimum
  });

  test('at 100 % but not done: minimum interval at first, then a quarter of the overdue time', () => {
    const next = createPollSchedule();
    next({ at: 0, progress: 0 });
    expect(next({ at: 10_000, progress: 100 })).toBe(500);
    expect(next({ at: 14_000, progress: 100 })).toBe(1000);
    expect(next({ at: 60_000, progress: 100 })).toBe(10_000);
  });

  test('progress going back (a second stage) restarts the fit', () => {
    const next = createPollSchedule();
    next({ at: 0, progress: 0 });
    next({ at: 10_000, progress: 90 });
    // Stage two starts over: no rate yet, so it waits blind rather than trusting the old rate.
    expect(next({ at: 11_000, progress: 5 })).toBe(1000);
    expect(next({ at: 12_000, progress: 10 })).toBe(1000); // seen moving for 1 s: look again in 1 s
  });
});
