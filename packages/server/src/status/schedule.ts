import { createPollSchedule } from '@sora-kit/core';
import type { StatusSample } from './status-store.js';

/** Samples kept per job: enough for the schedule's fit (its first moving sample is kept, see below). */
const MAX_SAMPLES = 32;

/** How soon to ask again after a webhook said the job ended but the API did not show it yet (ms). */
const ENDED_RECHECK_MS = 500;

/**
 * When the shared entry goes stale: core's poll schedule (progress-aware, `openai-poll-after-ms` honoured)
 * replayed over the job's recent answers, so every instance computes the same wait from the shared entry,
 * exactly as one client polling the job alone would have waited.
 */
export function nextDue(samples: readonly StatusSample[], endedAt?: number): number {
  const schedule = createPollSchedule();
  let wait = 1_000;
  for (const [at, progress, pollAfterMs] of samples) {
    wait = schedule({ at, progress: progress ?? undefined, pollAfterMs: pollAfterMs ?? undefined });
  }
  const last = samples.at(-1)?.[0] ?? Date.now();
  return last + (endedAt === undefined ? wait : Math.min(wait, ENDED_RECHECK_MS));
}

/** The samples with one more answer, the oldest but the first dropped past the bound. */
export function addSample(samples: readonly StatusSample[], sample: StatusSample): StatusSample[] {
  const next = [...samples, sample];
  // Keep the first: it is where the schedule's rate fit starts while progress has not moved.
  if (next.length > MAX_SAMPLES) next.splice(1, next.length - MAX_SAMPLES);
  return next;
}
