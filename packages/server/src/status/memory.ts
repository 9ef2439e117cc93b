import type { StatusEntry, StatusStore } from './status-store.js';

/**
 * A {@link StatusStore} in this process's memory: readers of one instance share one poll per job. Entries
 * expire after their TTL (checked when read, and swept when the map grows), so memory stays bounded by the
 * jobs read recently.
 */
export function memoryStatusStore(): StatusStore {
  // The entry's `body` (the job's JSON, most of an entry) is kept as the string it is, which nobody can
  // change; the rest as JSON text, so a reader gets a copy of it (as from any shared store). Writing the
  // body into that text would escape every quote in it, and parsing it back unescape them, on every answer.
  // (Maps, never plain objects: ids come from the wire.)
  const entries = new Map<string, { rest: string; body: string; until: number }>();
  const leases = new Map<string, number>();
  const listeners = new Set<(id: string) => void>();
  let sweepAt = 1024;
  const sweep = (now: number) => {
    for (const [id, { until }] of entries) if (until <= now) entries.delete(id);
    for (const [id, until] of leases) if (until <= now) leases.delete(id);
    sweepAt = Math.max(1024, entries.size * 2);
  };
  return {
    get(id) {
      const kept = entries.get(id);
      if (!kept) return undefined;
      if (kept.until <= Date.now()) {
        entries.delete(id);
        return undefined;
      }
      // A copy each time (as any shared store gives): a reader cannot change what others are served.
      return { ...(JSON.parse(kept.rest) as Omit<StatusEntry, 'body'>), body: kept.body };
    },
    set(id, entry, ttlMs) {
      const now = Date.now();
      const { body, ...rest } = entry;
      entries.set(id, { rest: JSON.stringify(rest), body, until: now + ttlMs });
      if (entries.size > sweepAt) sweep(now);
      for (const listener of [...listeners]) listener(id);
    },
    claim(id, ms) {
      const now = Date.now();
      if ((leases.get(id) ?? 0) > now) return false;
      leases.set(id, now + ms);
      return true;
    },
    release(id) {
      leases.delete(id);
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
