import { APIUserAbortError } from '@sora-kit/core';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { pause } from '../src/page-visibility.js';
import { setPageVisible } from './visibility.js';

// The waits between status requests, on fake timers (the one place they are used: the schedule's clock).
describe('pause: the poller clock', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    setPageVisible(true);
  });
  afterEach(() => {
    vi.useRealTimers();
    setPageVisible(true);
  });

  const track = (promise: Promise<void>) => {
    const result = { done: false, error: undefined as unknown };
    promise.then(
      () => {
        result.done = true;
      },
      (error) => {
        result.error = error;
      },
    );
    return result;
  };

  test('waits the given time on a visible page', async () => {
    const wait = track(pause(1_000, new AbortController().signal));
    await vi.advanceTimersByTimeAsync(999);
    expect(wait.done).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(wait.done).toBe(true);
  });

  test('a wait that runs out while hidden ends only when the page shows again', async () => {
    const wait = track(pause(1_000, new AbortController().signal));
    setPageVisible(false);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(wait.done).toBe(false);
    setPageVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(wait.done).toBe(true);
  });

  test('hidden then shown before the time is up: ends at once (fresh data for a returning user)', async () => {
    const wait = track(pause(10_000, new AbortController().signal));
    await vi.advanceTimersByTimeAsync(200);
    setPageVisible(false);
    await vi.advanceTimersByTimeAsync(100);
    setPageVisible(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(wait.done).toBe(true);
  });

  test('wake ends it now; abort rejects with APIUserAbortError', async () => {
    let wake = () => {};
    const woken = track(
      pause(10_000, new AbortController().signal, (now) => {
        wake = now;
      }),
    );
    wake();
    await vi.advanceTimersByTimeAsync(0);
    expect(woken.done).toBe(true);
    const abort = new AbortController();
    const aborted = track(pause(10_000, abort.signal));
    abort.abort();
    await vi.advanceTimersByTimeAsync(0);
    expect(aborted.error).toBeInstanceOf(APIUserAbortError);
  });
});
