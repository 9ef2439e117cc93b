import type { CommitRecord, JobStore, OwnedKind, ReserveRequest, ReserveResult } from './job-store.js';

/** Marks a store as the built-in memory one (the handler warns when it is used in production). */
export const MEMORY_STORE = Symbol.for('sora-kit.server.memory-store');

interface Owned {
  userId: string;
  kind: OwnedKind;
  createdAt: number;
  seq: number;
}

interface LedgerEntry {
  userId: string;
  kind: OwnedKind;
  startedAt: number;
  /** Unix ms after which an uncommitted reservation no longer holds an in-flight slot. */
  expiresAt: number;
  committed: boolean;
  finished: boolean;
  jobId?: string;
}

/**
 * A {@link JobStore} in this process's memory: the reference implementation of the contract, fine for one
 * long-running server and for tests; lost on restart and not shared between instances (the handler warns
 * at its first request under `NODE_ENV=production`).
 */
export function memoryStore(): JobStore {
  // Maps, never plain objects: ids and user ids come from the wire and must not reach a prototype.
  const owned = new Map<string, Owned>();
  const byUser = new Map<string, Map<string, Owned>>();
  const ledger = new Map<string, LedgerEntry>();
  // Each user's ledger keys: `reserve` reads one user's entries, not every user's.
  const ledgerKeys = new Map<string, Set<string>>();
  const ledgerByJob = new Map<string, LedgerEntry>();
  const enter = (key: string, entry: LedgerEntry) => {
    ledger.set(key, entry);
    const keys = ledgerKeys.get(entry.userId) ?? new Set<string>();
    ledgerKeys.set(entry.userId, keys);
    keys.add(key);
  };
  const drop = (key: string, entry: LedgerEntry) => {
    ledger.delete(key);
    ledgerKeys.get(entry.userId)?.delete(key);
    if (entry.jobId !== undefined && ledgerByJob.get(entry.jobId) === entry) ledgerByJob.delete(entry.jobId);
  };
  let seq = 0;
  let reservations = 0;

  const inFlight = (e: LedgerEntry, now: number) =>
    e.kind === 'video' && !e.finished && (e.committed || e.expiresAt > now);

  const store: JobStore & { [MEMORY_STORE]: true } = {
    [MEMORY_STORE]: true,
    reserve({ userId, kind, limits, now, ttlMs }: ReserveRequest): ReserveResult {
      let windowCount = 0;
      let flying = 0;
      const active: string[] = [];
      for (const key of ledgerKeys.get(userId) ?? []) {
        const e = ledger.get(key)!;
        const inWindow = e.startedAt > now - limits.windowMs;
        if (inWindow) windowCount++;
        if (inFlight(e, now)) {
          flying++;
          if (e.committed && e.jobId !== undefined) active.push(e.jobId);
        }
        // Entries that count for nothing any more are dropped, so the ledger stays bounded.
        if (!inWindow && !inFlight(e, now)) drop(key, e);
      }
      if (windowCount >= limits.maxPerWindow)
        return { ok: false, limit: 'window', count: windowCount, active };
      if (kind === 'video' && flying >= limits.maxInFlight)
        return { ok: false, limit: 'in_flight', count: flying, active };
      const reservation = `r${++reservations}`;
      enter(reservation, {
        userId,
        kind,
        startedAt: now,
        expiresAt: now + ttlMs,
        committed: false,
        finished: false,
      });
      return { ok: true, reservation };
    },
    commit(reservation: string, { userId, id, kind, createdAt }: CommitRecord): boolean {
      let entry = ledger.get(reservation);
      if (!entry) {
        // Expired and dropped, or never known here: the API made the job, so it is on the ledger again.
        entry = { userId, kind, startedAt: createdAt, expiresAt: 0, committed: true, finished: false };
        enter(`j:${reservation}`, entry);
      }
      entry.committed = true;
      entry.jobId = id;
      entry.finished = kind === 'character';
      if (!ledgerByJob.has(id)) ledgerByJob.set(id, entry);
      const first = owned.get(id);
      if (first) return first.userId === userId; // never re-assigned: the first owner keeps it
      const record: Owned = { userId, kind, createdAt, seq: ++seq };
      owned.set(id, record);
      const mine = byUser.get(userId) ?? new Map<string, Owned>();
      byUser.set(userId, mine);
      mine.set(id, record);
      return true;
    },
    release(reservation) {
      const entry = ledger.get(reservation);
      if (entry && !entry.committed) drop(reservation, entry);
    },
    owns: (userId, id) => owned.get(id)?.userId === userId,
    list(userId, { after, limit, order }) {
      const videos = [...(byUser.get(userId)?.entries() ?? [])].filter(([, o]) => o.kind === 'video');
      // Creation order; `seq` breaks ties between jobs created in the same millisecond.
      videos.sort(([, a], [, b]) => a.createdAt - b.createdAt || a.seq - b.seq);
      if (order === 'desc') videos.reverse();
      const start = after === undefined ? 0 : videos.findIndex(([id]) => id === after) + 1;
      const ids = videos.slice(start, start + limit).map(([id]) => id);
      return { ids, hasMore: start + limit < videos.length };
    },
    remove(userId, id) {
      if (owned.get(id)?.userId !== userId) return;
      owned.delete(id);
      byUser.get(userId)?.delete(id);
    },
    finish(id) {
      const entry = ledgerByJob.get(id);
      if (entry) entry.finished = true;
    },
  };
  return store;
}
