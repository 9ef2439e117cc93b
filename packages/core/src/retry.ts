// The retry policy of the official openai-node SDK, kept to the letter so that both behave the same against
// one server: which answers are retried, and how long to wait before the next attempt.

/** Whether an error answer is worth retrying: `x-should-retry` decides, else 408, 409, 429 and 5xx are. */
export function shouldRetry(response: Response): boolean {
  const header = response.headers.get('x-should-retry');
  const s = response.status;
  return header === 'true' || (header !== 'false' && (s === 408 || s === 409 || s === 429 || s >= 500));
}

/**
 * Milliseconds to wait before retry number `retry` (0-based): the server's `retry-after-ms`, else its
 * `retry-after` (seconds or an HTTP date), when that lies between 0 and 60 s; otherwise 0.5 s doubling up
 * to 8 s, less up to 25 % of jitter so that many clients do not retry in step.
 */
export function retryDelay(retry: number, headers?: Headers): number {
  // NaN when absent or not a number, and NaN is no usable wait (neither > 0 nor < 60 s).
  let ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  const after = headers?.get('retry-after');
  if (after && !ms) {
    const seconds = Number.parseFloat(after);
    // (`Infinity` seconds and a date that does not parse both end as no usable wait below.)
    ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(after) - Date.now();
  }
  return ms > 0 && ms < 60_000 ? ms : Math.min(500 * 2 ** retry, 8000) * (1 - Math.random() / 4);
}
