import type { JobStore } from './job-store.js';

/** Options of {@link cacheOwnership}. */
export interface OwnershipCacheOptions {
  /** How many (user, id) pairs are remembered; the oldest is dropped first. Default: 10 000. */
  max?: number | undefined;
  /** How long a remembered pair is trusted, in ms. Default: 60 000. */
  ttlMs?: number | undefined;
}

/**
 * Remembers, in this process, the ids a user was found to own, so that polling a job (a `retrieve` every
 * second or so for minutes) asks a remote store once rather than on every poll. Safe because ownership
 * only ever changes one way that matters: an id is never given to another user (the first owner keeps
 * it), so a remembered "yes" can never let anyone see someone else's job. "No" is never remembered. The
 * one change, a removal, is forgotten here at once for this instance; another instance may answer "yes"
 * for up to `ttlMs` after, for the user's own deleted job, which the API then answers 404.
 */
export function cacheOwnership(store: JobStore, options: OwnershipCacheOptions = {}): JobStore {
  const max = options.max ?? 10_000;
  const ttlMs = options.ttlMs ?? 60_000;
  // Keyed by both strings with a separator no id can hold (ids match the spec's pattern; user ids are
  // the app's): a Map, never an object, so wire strings never reach a prototype.
  const known = new Map<string, number>();
  const keyOf = (userId: string, id: string) => `${id}\u0000${userId}`;
  const remember = (key: string) => {
    known.delete(key);
    known.set(key, Date.now() + ttlMs);
    if (known.size > max) known.delete(known.keys().next().value as string);
  };
  return {
    reserve: (request) => store.reserve(request),
    release: (reservation) => store.release(reservation),
    list: (userId, page) => store.list(userId, page),
    finish: (id) => store.finish(id),
    async commit(reservation, record) {
      const owns = await store.commit(reservation, record);
      if (owns) remember(keyOf(record.userId, record.id));
      return owns;
    },
    async owns(userId, id) {
      const key = keyOf(userId, id);
      const until = known.get(key);
      if (until !== undefined && until > Date.now()) return true;
      known.delete(key);
      const owns = await store.owns(userId, id);
      if (owns) remember(key);
      return owns;
    },
    async remove(userId, id) {
      known.delete(keyOf(userId, id));
      await store.remove(userId, id);
    },
  };
}
