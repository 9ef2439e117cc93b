import type { Awaitable } from '../store/job-store.js';

/** One answer the poll schedule learnt from: `[at (Unix ms), progress or null, openai-poll-after-ms or null]`. */
export type StatusSample = [at: number, progress: number | null, pollAfterMs: number | null];

/**
 * What every reader of a job is served: the API's last answer about it, and when it goes stale. Plain JSON
 * (no Dates, no Infinity), so any store can keep it as text.
 */
export interface StatusEntry {
  /** +1 whenever `body` changes: the event id of the job's event stream (`Last-Event-ID`). */
  version: number;
  /** The job as the API last answered it (`GET /v1/videos/{id}`, 200): its JSON text, key removed. */
  body: string;
  /** Unix ms of that answer. */
  at: number;
  /** Unix ms from which the entry is stale: when core's poll schedule would ask again. */
  due: number;
  /** The job is completed, failed or expired: nothing changes any more, it is served without asking. */
  final: boolean;
  /** A verified webhook said the job ended (Unix ms): it is asked again at once, then soon, until final. */
  endedAt?: number | undefined;
  /** The recent answers the schedule is replayed from (a few dozen at most). */
  samples: StatusSample[];
}

/**
 * Where the shared status of jobs lives, for every instance of the app: a short-lived entry per job, a lease
 * so that one instance at a time asks the API, and change notices. Backends: {@link memoryStatusStore} (one
 * process), `redisStatusStore` (`@sora-kit/server/redis`), `postgresStatusStore` (`@sora-kit/server/postgres`).
 */
export interface StatusStore {
  /** The entry of `id`, or undefined (never read, or expired). */
  get(id: string): Awaitable<StatusEntry | undefined>;
  /** Stores the entry for `ttlMs` and tells every subscriber (of every instance) that `id` changed. */
  set(id: string, entry: StatusEntry, ttlMs: number): Awaitable<void>;
  /** Takes the right to ask the API about `id` for `ms`: true unless another caller holds it (atomic). */
  claim(id: string, ms: number): Awaitable<boolean>;
  /** Gives the right back before it runs out. */
  release(id: string): Awaitable<void>;
  /**
   * Listens to changes of any entry, on every instance (Redis pub/sub, Postgres LISTEN/NOTIFY); returns the
   * unsubscribe. A backend without it is watched by re-reading the entries of watched jobs on a timer.
   */
  subscribe?(listener: (id: string) => void): () => void;
}
