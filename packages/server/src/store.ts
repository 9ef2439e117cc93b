/** A value or a promise of it: stores may be synchronous (memory) or not (SQL, Redis). */
export type Awaitable<T> = T | Promise<T>;

/** What an owned id is: a video job (listed, counted by the policy) or a character. */
export type OwnedKind = 'video' | 'character';

/** A page request to {@link JobStore.list}, in the API's cursor terms. */
export interface StorePage {
  /** The id of the last job of the previous page (exclusive). */
  after?: string | undefined;
  /** How many ids at most. */
  limit: number;
  /** `desc`: newest first (the API's default). */
  order: 'asc' | 'desc';
}

/** What the policy needs to know about a user's jobs. */
export interface JobUsage {
  /** Ids of the user's video jobs not known to be finished (queued or running). */
  active: string[];
  /** How many video jobs the user created at or after `since`. */
  createdSince: number;
}

/**
 * Who owns which job: the handler records every job and character a user creates, and answers 404 for any
 * id the user does not own. One process may use {@link memoryStore}; several instances (serverless, a
 * cluster) need a shared store: see the SQL recipe in the README.
 */
export interface JobStore {
  /** Records that `userId` created `id` at `createdAt` (Unix ms). Called once per new job or character. */
  add(userId: string, id: string, kind: OwnedKind, createdAt: number): Awaitable<void>;
  /** Whether `userId` owns `id` (of any kind). */
  owns(userId: string, id: string): Awaitable<boolean>;
  /** The user's video job ids in creation order (`desc`: newest first), after the cursor, at most `limit`. */
  list(userId: string, page: StorePage): Awaitable<{ ids: string[]; hasMore: boolean }>;
  /** Forgets `id` (deleted, or gone upstream). */
  remove(userId: string, id: string): Awaitable<void>;
  /** Marks a job finished (completed, failed or expired): it no longer counts as in flight. */
  finish(id: string): Awaitable<void>;
  /** The user's unfinished jobs and how many jobs they created since `since` (Unix ms), for the policy. */
  usage(userId: string, since: number): Awaitable<JobUsage>;
}

/** Marks a store as the built-in memory one (the handler warns when it is used in production). */
export const MEMORY_STORE = Symbol.for('sora-kit.server.memory-store');

interface Entry {
  userId: string;
  kind: OwnedKind;
  createdAt: number;
  seq: number;
  active: boolean;
}

/**
 * A {@link JobStore} in this process's memory: fine for one long-running server and for tests, lost on
 * restart and not shared between instances. The handler warns once when it is used with
 * `NODE_ENV=production`.
 */
export function memoryStore(): JobStore {
  // Maps, never plain objects: ids and user ids come from the wire and must not reach a prototype.
  const entries = new Map<string, Entry>();
  const byUser = new Map<string, Map<string, Entry>>();
  let seq = 0;
  const store: JobStore & { [MEMORY_STORE]: true } = {
    [MEMORY_STORE]: true,
    add(userId, id, kind, createdAt) {
      if (entries.has(id)) return; // never re-assigned: the first owner keeps it
      const entry: Entry = { userId, kind, createdAt, seq: ++seq, active: kind === 'video' };
      entries.set(id, entry);
      const mine = byUser.get(userId) ?? new Map<string, Entry>();
      byUser.set(userId, mine);
      mine.set(id, entry);
    },
    owns: (userId, id) => entries.get(id)?.userId === userId,
    list(userId, { after, limit, order }) {
      const videos = [...(byUser.get(userId) ?? new Map<string, Entry>())].filter(
        ([, e]) => e.kind === 'video',
      );
      // Insertion order is creation order; `seq` breaks ties between jobs created in the same millisecond.
      if (order === 'desc') videos.reverse();
      const start = after === undefined ? 0 : videos.findIndex(([id]) => id === after) + 1;
      const page = videos.slice(start, start + limit).map(([id]) => id);
      return { ids: page, hasMore: start + limit < videos.length };
    },
    remove(userId, id) {
      if (entries.get(id)?.userId !== userId) return;
      entries.delete(id);
      byUser.get(userId)?.delete(id);
    },
    finish(id) {
      const entry = entries.get(id);
      if (entry) entry.active = false;
    },
    usage(userId, since) {
      const active: string[] = [];
      let createdSince = 0;
      for (const [id, e] of byUser.get(userId) ?? []) {
        if (e.kind !== 'video') continue;
        if (e.active) active.push(id);
        if (e.createdAt >= since) createdSince++;
      }
      return { active, createdSince };
    },
  };
  return store;
}
