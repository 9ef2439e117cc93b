/**
 * The contract every job store implements (memory, Postgres, Redis, SQLite/D1), checked by ONE shared
 * contract suite run against every backend (`test/store/contract.ts`).
 *
 * A store keeps two records that must not be confused:
 * - **ownership** (what a user may see): which ids a user created, listed newest first. DELETE forgets it.
 * - **the ledger** (what a user has spent): every paid call admitted by the policy. An entry is never
 *   forgotten because the job was deleted, failed or answered 404 later: a job started in the window counts
 *   until the window passes. Only a call that certainly made nothing upstream (refused before it was
 *   sent, or answered with a non-2xx status) is {@link JobStore.release}d.
 *
 * Atomicity: {@link JobStore.reserve} is the one step that must be atomic across every instance sharing the
 * store (the limit check and the slot it takes are one step: a SQL transaction with a per-user lock, a Lua
 * script in Redis). Every other call is a single-row/key write or read.
 */

/** A value or a promise of it: stores may be synchronous (memory) or not (SQL, Redis). */
export type Awaitable<T> = T | Promise<T>;

/** What an owned id is: a video job (listed, in flight until finished) or a character. */
export type OwnedKind = 'video' | 'character';

/** A page request to {@link JobStore.list}, in the API's cursor terms. */
export interface StorePage {
  /** The id of the last job of the previous page (exclusive). */
  after?: string | undefined;
  /** How many ids at most (0 allowed: an empty page that still says whether there are more). */
  limit: number;
  /** `desc`: newest first (the API's default). */
  order: 'asc' | 'desc';
}

/** The policy's limits, as {@link JobStore.reserve} checks them. */
export interface ReserveLimits {
  /** Ledger entries of the user that may be in flight at once (reserved and unexpired, or committed and unfinished). */
  maxInFlight: number;
  /** Ledger entries of the user that may have started within `windowMs` before `now`. */
  maxPerWindow: number;
  /** The window of `maxPerWindow`, in milliseconds. */
  windowMs: number;
}

/** A request for a slot: who, what, under which limits, at which time. */
export interface ReserveRequest {
  userId: string;
  /** A video job takes an in-flight slot until finished; a character is done at once but counts in the window. */
  kind: OwnedKind;
  limits: ReserveLimits;
  /** Unix ms (injected: tests move time; instances must share a clock within a second or so). */
  now: number;
  /**
   * How long an uncommitted reservation holds its slot, in ms: an instance that died between `reserve` and
   * `commit` (kill -9, a cut connection whose outcome is unknown) frees the in-flight slot after this.
   * The entry still counts in the window (the call may have been paid).
   */
  ttlMs: number;
}

/** The answer of {@link JobStore.reserve}. */
export type ReserveResult =
  | { ok: true; reservation: string }
  | {
      ok: false;
      /** Which limit refused: `window` (maxPerWindow) is checked first, then `in_flight`. */
      limit: 'window' | 'in_flight';
      /** The user's count for that limit, as the store saw it in the same atomic step. */
      count: number;
      /**
       * For `in_flight`: the ids of the user's committed, unfinished video jobs, so the caller can ask the API
       * whether some finished (then {@link JobStore.finish} them and reserve again).
       */
      active: string[];
    };

/** What a committed reservation became. */
export interface CommitRecord {
  userId: string;
  /** The id the API gave the new job or character. */
  id: string;
  kind: OwnedKind;
  /** Unix ms: when ownership starts (list order). */
  createdAt: number;
}

/**
 * Who owns which job, and what each user has spent. Every method may be sync or async; none may throw for
 * an unknown id (it is simply not owned / not found). Ids and user ids are arbitrary strings up to 256
 * characters (`video_…`, `a:b.c-d`, emoji in user ids): stores must never interpret them (no key or SQL
 * injection, no prototype keys).
 */
export interface JobStore {
  /** Atomically: counts the user's ledger under `limits` at `now`, and takes a slot when both allow it. */
  reserve(request: ReserveRequest): Awaitable<ReserveResult>;
  /**
   * Turns a reservation into a job: the ledger entry becomes the job `record.id` (in flight for a video until
   * finished; a character is finished at once), and ownership is recorded. An id already owned keeps its
   * first owner. Returns whether `record.userId` owns `record.id` afterwards. Committing an expired or unknown
   * reservation still records the job and a ledger entry (the API made it: it was paid).
   */
  commit(reservation: string, record: CommitRecord): Awaitable<boolean>;
  /** The call certainly made nothing upstream: frees the reservation's slot and removes it from the window. */
  release(reservation: string): Awaitable<void>;
  /** Whether `userId` owns `id` (of any kind). */
  owns(userId: string, id: string): Awaitable<boolean>;
  /** The user's owned video ids in creation order (`desc`: newest first), after the cursor, at most `limit`. */
  list(userId: string, page: StorePage): Awaitable<{ ids: string[]; hasMore: boolean }>;
  /** Forgets the user's ownership of `id` (deleted, or gone upstream). The ledger keeps its entry. */
  remove(userId: string, id: string): Awaitable<void>;
  /** Marks job `id` finished (completed, failed or expired): its ledger entry no longer counts in flight. */
  finish(id: string): Awaitable<void>;
}
