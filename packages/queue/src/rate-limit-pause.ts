/**
 * The queue-wide pause a 429 causes, kept in BullMQ's rate limiter key so that every worker's job fetch
 * (BullMQ's `moveToActive` script) honours it, on every machine.
 *
 * BullMQ reads that key as "jobs started in this window": a worker fetches no job while its value is at
 * least the limiter's `max`, until the key expires. BullMQ's own `queue.rateLimit(ms)` sets it to
 * `Number.MAX_SAFE_INTEGER` for `ms`; a pause here is the same value, with two differences:
 *
 * - It is never shortened. `queue.rateLimit` is a plain `SET … PX`: the 429s of a burst (the creates that
 *   were already on their way) would each replace the pause, and the last one answered, whose Retry-After may
 *   be shorter or absent, would end it early. Here a pause only ever grows.
 * - It is told apart from the limiter's own count. Asked "is the queue paused" with the limiter's `max`,
 *   BullMQ also answers yes when the window is merely full, and it is full as soon as the job asking took
 *   its last slot (`max: 1`: every job, forever). Only a pause reaches {@link PAUSED}.
 */
import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

/** The limiter key's value during a pause: more jobs than any limiter's `max` (BullMQ's own value). */
export const PAUSED = Number.MAX_SAFE_INTEGER;

// Atomic, so that two 429s answered at once cannot interleave their reads and writes. A window count
// (a value below PAUSED) is replaced: the pause starts now whatever the count.
const EXTEND_PAUSE = `
local paused = tonumber(redis.call('GET', KEYS[1]) or '0') >= tonumber(ARGV[1])
if paused and redis.call('PTTL', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Pauses every worker of `queue` for `ms` from now, unless a pause already lasts longer. */
export async function pauseQueue(redis: Redis, queue: Queue, ms: number): Promise<void> {
  await redis.eval(EXTEND_PAUSE, 1, queue.toKey('limiter'), String(PAUSED), String(Math.ceil(ms)));
}

/** Ms left of the queue's pause; 0 when it is not paused (a full limiter window is not a pause). */
export async function pauseLeft(queue: Queue): Promise<number> {
  return Math.max(0, await queue.getRateLimitTtl(PAUSED));
}
