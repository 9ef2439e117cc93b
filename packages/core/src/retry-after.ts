/**
 * How long a server asked to wait, from `retry-after-ms` (milliseconds, as OpenAI sends) or else
 * `Retry-After` (seconds or an HTTP date); undefined when neither is usable. Negative or malformed values
 * are ignored; callers bound the result (a bogus header must not stall work for hours).
 */
export function retryAfterMs(headers: Headers, now = Date.now()): number | undefined {
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.has('retry-after-ms') && Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}
