import { expect, test } from 'vitest';
import { createPollSchedule } from './poll-schedule.js';

// The schedule's own estimate of the time left, as UIs show it (`onEstimate`).
test('onEstimate: undefined until progress moves, then the time left at the fitted rate', () => {
  const seen: (number | undefined)[] = [];
  const next = createPollSchedule({ onEstimate: (eta) => seen.push(eta) });
  next({ at: 0, progress: 0 });
  next({ at: 1_000, progress: 0 });
  next({ at: 2_000, progress: 10 }); // 10 % in at most 2 s since the last still sample
  next({ at: 4_000, progress: 30 }); // 20 % in 2 s: 10 % a second
  expect(seen[0]).toBeUndefined();
  expect(seen[1]).toBeUndefined();
  expect(seen[2]).toBeCloseTo(((100 - 10 - 0.5) * 1_000) / 10); // fitted from the still sample at 1 s
  expect(seen[3]).toBeCloseTo(((100 - 30 - 0.5) * 2_000) / 20);
});

test('onEstimate runs when the server says when to poll, and reads 0 once the job is overdue', () => {
  const seen: (number | undefined)[] = [];
  const next = createPollSchedule({ onEstimate: (eta) => seen.push(eta) });
  expect(next({ at: 0, progress: 0, pollAfterMs: 300 })).toBe(300);
  expect(next({ at: 1_000, progress: 50, pollAfterMs: 300 })).toBe(300);
  expect(next({ at: 2_000, progress: 100, pollAfterMs: 300 })).toBe(300);
  expect(seen).toEqual([undefined, expect.closeTo(990, 5), 0]);
});

test('the schedule waits the same with and without onEstimate', () => {
  const samples = [0, 0, 5, 20, 40, 70, 99, 100, 100].map((progress, i) => ({ at: i * 1_300, progress }));
  const plain = createPollSchedule();
  const watched = createPollSchedule({ onEstimate: () => {} });
  expect(samples.map((s) => watched(s))).toEqual(samples.map((s) => plain(s)));
});
