import type { ReserveRequest } from './job-store.js';

/**
 * The numbers of a reserve request as a database can take them: a limit or a window of `Infinity` (no
 * limit) becomes the largest safe integer, which SQL integers, Lua numbers and JSON all carry exactly.
 */
export function bounded({ limits, now, ttlMs }: ReserveRequest) {
  const n = (value: number) => Math.min(value, Number.MAX_SAFE_INTEGER);
  return {
    maxInFlight: n(limits.maxInFlight),
    maxPerWindow: n(limits.maxPerWindow),
    windowMs: n(limits.windowMs),
    now,
    ttlMs: n(ttlMs),
  };
}
