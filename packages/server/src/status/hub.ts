import { normalizeStatus } from '@sora-kit/core';
import type { UpstreamJson } from '../upstream.js';
import { memoryStatusStore } from './memory.js';
import { addSample, nextDue } from './schedule.js';
import type { StatusEntry, StatusStore } from './status-store.js';

/** Options of {@link createStatusHub}. */
export interface StatusHubOptions {
  /** Where the shared entries live. Default: {@link memoryStatusStore} (one process). */
  store?: StatusStore | undefined;
  /** How long a finished job's entry is kept and served without asking the API, in ms. Default: 3 600 000 (1 h). */
  finishedTtlMs?: number | undefined;
  /** How long an unfinished job's entry (and its schedule's memory) is kept after its last answer, in ms. Default: 1 800 000. */
  activeTtlMs?: number | undefined;
  /**
   * How long one instance may hold the right to ask the API about a job, in ms: others wait for its answer
   * up to this long, then ask themselves (the holder may have died). Default: 15 000.
   */
  leaseMs?: number | undefined;
  /** With a store that cannot notify (no `subscribe`): how often a watched entry is re-read, in ms. Default: 500. */
  storePollMs?: number | undefined;
}

/** A read of a job's status: the shared entry, or the API's answer when it was not a job (404, 429, 5xx…). */
export type StatusRead =
  | { entry: StatusEntry; answer?: undefined }
  | { entry?: undefined; answer: UpstreamJson };

/** Asks the API about one job (`GET /v1/videos/{id}`), with the store updates the handler does on an answer. */
export type AskUpstream = () => Promise<UpstreamJson>;

/**
 * The shared read path of job statuses: one upstream poll per job per interval, whatever the number of
 * readers, streams and instances. Pass one to `createSoraHandler({ status })` and to
 * `createWebhookHandler({ status })`.
 */
export interface StatusHub {
  readonly store: StatusStore;
  /** The job's state: the shared entry while fresh (or final), else one upstream call shared by all who ask now. */
  read(id: string, ask: AskUpstream): Promise<StatusRead>;
  /**
   * Keeps `id` fresh while watched: refreshes it when due (through `read`, so once for every watcher and
   * instance) and calls `listener` with every new version, from any instance. Returns the stop.
   */
  watch(id: string, ask: AskUpstream, listener: (read: StatusRead) => void): () => void;
  /**
   * A verified webhook said the job ended: watchers everywhere are shown the new status at once, and the
   * entry is stale, so the next read (the watchers' own, at once) fetches the API's full record.
   */
  ended(id: string, type: 'video.completed' | 'video.failed'): Promise<void>;
}

const TERMINAL = new Set(['completed', 'failed', 'expired']);

interface Watch {
  ask: AskUpstream;
  listeners: Set<(read: StatusRead) => void>;
  version: number;
  timer?: ReturnType<typeof setTimeout> | undefined;
  busy: boolean;
  /** A notice came while busy: check once more after. */
  again: boolean;
}

/** Makes the {@link StatusHub} of an app (one per process, over a store shared by every instance). */
export function createStatusHub(options: StatusHubOptions = {}): StatusHub {
  const store = options.store ?? memoryStatusStore();
  const finishedTtl = positive(options.finishedTtlMs, 3_600_000, 'finishedTtlMs');
  const activeTtl = positive(options.activeTtlMs, 1_800_000, 'activeTtlMs');
  const leaseMs = positive(options.leaseMs, 15_000, 'leaseMs');
  const storePollMs = positive(options.storePollMs, 500, 'storePollMs');
  const flights = new Map<string, Promise<StatusRead>>();
  const watches = new Map<string, Watch>();
  // Who waits for another instance's answer about a job: woken by the store's notices.
  const waiters = new Map<string, Set<() => void>>();
  let unsubscribe: (() => void) | undefined;

  const notice = (id: string) => {
    for (const wake of waiters.get(id) ?? []) wake();
    const watch = watches.get(id);
    if (watch) void check(id, watch);
  };
  const listen = () => {
    if (!unsubscribe && store.subscribe && (watches.size > 0 || waiters.size > 0))
      unsubscribe = store.subscribe(notice);
  };
  const unlisten = () => {
    if (watches.size === 0 && waiters.size === 0) {
      unsubscribe?.();
      unsubscribe = undefined;
    }
  };

  /** Waits until the entry is newer than `since` (another instance's answer) or `ms` pass. */
  const waitNewer = async (id: string, since: number, ms: number): Promise<StatusEntry | undefined> => {
    const end = Date.now() + ms;
    const set = waiters.get(id) ?? new Set();
    waiters.set(id, set);
    listen();
    try {
      for (;;) {
        const entry = await store.get(id);
        if (entry && entry.at > since) return entry;
        const left = end - Date.now();
        if (left <= 0) return undefined;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(done, Math.min(left, store.subscribe ? left : storePollMs));
          function done() {
            clearTimeout(timer);
            set.delete(done);
            resolve();
          }
          set.add(done);
        });
      }
    } finally {
      if (set.size === 0) waiters.delete(id);
      unlisten();
    }
  };

  const refresh = async (
    id: string,
    ask: AskUpstream,
    previous: StatusEntry | undefined,
  ): Promise<StatusRead> => {
    const claimed = await store.claim(id, leaseMs);
    if (!claimed) {
      const newer = await waitNewer(id, previous?.at ?? 0, leaseMs);
      if (newer) return { entry: newer };
      // The holder died or is stuck: ask ourselves rather than serve nothing.
    }
    try {
      if (claimed) {
        // Another instance may have asked between our read and our claim (it stored its answer, then let
        // the lease go): serve that answer rather than asking the API a second time.
        const current = await store.get(id);
        if (current && current.at > (previous?.at ?? 0) && (current.final || Date.now() < current.due))
          return { entry: current };
      }
      const answer = await ask();
      const job = answer.json as { id?: unknown; status?: unknown; progress?: unknown } | null | undefined;
      if (answer.status !== 200 || typeof job !== 'object' || job === null || job.id !== id)
        return { answer };
      const now = Date.now();
      // Re-read: a webhook may have marked the job ended while this answer was on its way.
      const current = (await store.get(id)) ?? previous;
      const final = TERMINAL.has(normalizeStatus(job.status));
      const progress = Number.parseFloat(String(job.progress));
      const pollAfter = Number(answer.headers.get('openai-poll-after-ms') ?? Number.NaN);
      const samples = addSample(current?.samples ?? [], [
        now,
        Number.isFinite(progress) ? progress : null,
        Number.isFinite(pollAfter) && pollAfter >= 0 ? pollAfter : null,
      ]);
      const endedAt = final ? undefined : current?.endedAt;
      const entry: StatusEntry = {
        version: (current?.version ?? 0) + (current?.body === answer.text ? 0 : 1),
        body: answer.text,
        at: now,
        due: final ? now + finishedTtl : nextDue(samples, endedAt),
        final,
        endedAt,
        samples,
      };
      await store.set(id, entry, final ? finishedTtl : activeTtl);
      return { entry };
    } finally {
      if (claimed) await store.release(id);
    }
  };

  const read = async (id: string, ask: AskUpstream): Promise<StatusRead> => {
    const entry = await store.get(id);
    if (entry && (entry.final || Date.now() < entry.due)) return { entry };
    // Single flight: everyone in this process who finds the entry stale shares one refresh.
    let flight = flights.get(id);
    if (!flight) {
      flight = refresh(id, ask, entry).finally(() => flights.delete(id));
      flights.set(id, flight);
    }
    return flight;
  };

  const emit = (watch: Watch, result: StatusRead) => {
    if (result.entry && result.entry.version <= watch.version) return;
    if (result.entry) watch.version = result.entry.version;
    for (const listener of [...watch.listeners]) listener(result);
  };

  // Reads the entry (refreshing it when due), tells the listeners of a new version, and sleeps until due.
  async function check(id: string, watch: Watch): Promise<void> {
    if (watches.get(id) !== watch) return;
    if (watch.busy) {
      watch.again = true;
      return;
    }
    watch.busy = true;
    watch.again = false;
    clearTimeout(watch.timer);
    let wait = storePollMs;
    try {
      // A newer version from elsewhere (another instance's poll, a webhook) is shown before any refresh.
      const stored = await store.get(id);
      if (stored && watches.get(id) === watch) emit(watch, { entry: stored });
      const result = await read(id, watch.ask);
      if (watches.get(id) !== watch) return;
      emit(watch, result);
      if (!result.entry || result.entry.final) return; // nothing more to watch: the listeners close
      const untilDue = result.entry.due - Date.now();
      wait = store.subscribe ? untilDue : Math.min(untilDue, storePollMs);
    } catch {
      // The store or the API failed: try again after a while, the stream stays open.
      wait = Math.max(storePollMs, 1_000);
    } finally {
      watch.busy = false;
    }
    if (watches.get(id) !== watch) return;
    if (watch.again) wait = 0;
    watch.timer = setTimeout(() => void check(id, watch), Math.max(wait, 0));
  }

  return {
    store,
    read,
    watch(id, ask, listener) {
      let watch = watches.get(id);
      if (!watch) {
        watch = { ask, listeners: new Set(), version: 0, busy: false, again: false };
        watches.set(id, watch);
        listen();
        void check(id, watch);
      }
      const mine = watch;
      mine.listeners.add(listener);
      return () => {
        mine.listeners.delete(listener);
        if (mine.listeners.size > 0 || watches.get(id) !== mine) return;
        clearTimeout(mine.timer);
        watches.delete(id);
        unlisten();
      };
    },
    async ended(id, type) {
      const entry = await store.get(id);
      if (!entry || entry.final) return;
      // What the verified event says, shown at once; the read it triggers brings the API's full record
      // (completed_at, the error of a failed job) and marks the entry final.
      const job = JSON.parse(entry.body) as { status?: unknown; progress?: unknown };
      job.status = type === 'video.completed' ? 'completed' : 'failed';
      if (type === 'video.completed') job.progress = 100;
      const body = JSON.stringify(job);
      await store.set(
        id,
        { ...entry, body, version: entry.version + 1, due: 0, endedAt: Date.now() },
        activeTtl,
      );
    },
  };
}

function positive(value: number | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new TypeError(`Invalid value for '${name}': ${String(value)}. Allowed: a number of ms > 0.`);
  }
  return value;
}
