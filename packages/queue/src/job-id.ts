import { createHash } from 'node:crypto';
import type { VideoJobLine } from './job-line.js';

/** JSON with object keys sorted, so the same line always hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The queue job id of a line: a hash of its content. Adding the same line twice (a jobs file enqueued
 * twice, a producer restarted) names the same job, which BullMQ keeps once; and the worker derives the
 * create's `Idempotency-Key` from it, so even a job removed and added again does not bill twice while the
 * server remembers the key.
 */
export function jobIdOf(line: VideoJobLine): string {
  return `sv-${createHash('sha256').update(canonical(line)).digest('hex').slice(0, 40)}`;
}

/** The `Idempotency-Key` of a queue job's create. */
export const idempotencyKeyOf = (jobId: string): string => `sora-kit-queue-${jobId}`;
