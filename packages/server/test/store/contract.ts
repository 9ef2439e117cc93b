// The one contract suite every JobStore backend runs (memory, PGlite, PostgreSQL, Redis, SQLite, D1).
// Each case makes its own users and ids, so cases are independent of order and of each other; the backend
// is opened once per file. `stores`/`dedupes` are more instances over separate connections to the same
// data, so the atomic steps race for real.
import { randomUUID } from 'node:crypto';
import type { WebhookDedupeStore } from '@sora-kit/core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { JobStore, OwnedKind, ReserveLimits, ReserveResult } from '../../src/store/job-store.js';

export interface OpenedBackend {
  store: JobStore;
  /** More stores over other connections/clients to the same data (for the races). Default: none. */
  stores?: JobStore[];
  /** The backend's webhook dedupe store, and more over other connections. */
  dedupe?: WebhookDedupeStore;
  dedupes?: WebhookDedupeStore[];
  /** The plan of a list page query for the user after a cursor (EXPLAIN), to check it reads indexes, not a scan. */
  explainList?: (userId: string, order: 'asc' | 'desc', after: string) => Promise<string>;
  /** A new store over the same data (its first-call schema step not run yet), as an instance starting up. */
  startAnother?: () => JobStore;
  /**
   * Writes many owned videos at once behind the store's back, for the 10,000-job case on backends where
   * 10,000 commits would take minutes (D1 in Miniflare). Default: the suite commits them one by one.
   */
  seedJobs?: (userId: string, jobs: { id: string; createdAt: number }[]) => Promise<void>;
  /** What a plan that reads the list index (and finds the cursor by its id) looks like, and a scan or a sort. */
  indexPlan?: RegExp[];
  scanPlan?: RegExp;
  close(): Promise<void>;
}

/** Strings that must never be interpreted: quotes, wildcards, separators, prototype keys, emoji, SQL and Lua. */
export const ODD = [
  `it's "quoted"`,
  '100%_like\\',
  'a:b.c-d',
  '__proto__',
  'constructor',
  '🦄 user ünïcode',
  "x'); DROP TABLE sora_jobs; --",
  ']] .. redis.call("FLUSHALL") .. [[',
  '{hash}tag*?[a]',
  ' lead and trail ',
];

const T0 = 1_800_000_000_000;
const roomy: ReserveLimits = { maxInFlight: 1000, maxPerWindow: 1000, windowMs: 3_600_000 };

/** A fresh name for this case (so cases never share a user or an id). */
const fresh = (what: string) => `${what}-${randomUUID()}`;

export function describeJobStore(name: string, open: () => Promise<OpenedBackend>): void {
  describe(`JobStore contract: ${name}`, () => {
    let backend: OpenedBackend;
    beforeAll(async () => {
      backend = await open();
    });
    afterAll(async () => {
      await backend?.close();
    });
    const all = () => [backend.store, ...(backend.stores ?? [])];

    /** Reserves and commits a job for `userId` (roomy limits unless given). */
    const make = async (
      userId: string,
      options: { id?: string; kind?: OwnedKind; createdAt?: number; now?: number } = {},
    ) => {
      const { store } = backend;
      const id = options.id ?? fresh('video');
      const kind = options.kind ?? 'video';
      const now = options.now ?? T0;
      const r = await store.reserve({ userId, kind, limits: roomy, now, ttlMs: 60_000 });
      if (!r.ok) throw new Error(`reserve refused: ${JSON.stringify(r)}`);
      const owns = await store.commit(r.reservation, {
        userId,
        id,
        kind,
        createdAt: options.createdAt ?? now,
      });
      return { id, owns, reservation: r.reservation };
    };
    const reserve = (userId: string, limits: Partial<ReserveLimits>, now = T0, ttlMs = 60_000) =>
      backend.store.reserve({ userId, kind: 'video', limits: { ...roomy, ...limits }, now, ttlMs });
    const refused = (r: ReserveResult) => (r.ok ? undefined : { limit: r.limit, count: r.count });

    test('ownership: the creator owns an id, nobody else does, unknown ids are owned by nobody', async () => {
      const [alice, bob] = [fresh('alice'), fresh('bob')];
      const { id, owns } = await make(alice);
      const character = await make(alice, { kind: 'character' });
      expect(owns).toBe(true);
      expect(await backend.store.owns(alice, id)).toBe(true);
      expect(await backend.store.owns(alice, character.id)).toBe(true);
      expect(await backend.store.owns(bob, id)).toBe(false);
      expect(await backend.store.owns(alice, fresh('unknown'))).toBe(false);
      expect(await backend.store.list(bob, { limit: 10, order: 'desc' })).toEqual({
        ids: [],
        hasMore: false,
      });
      // Calls on unknown ids and reservations are no-ops, never errors.
      await backend.store.remove(bob, id);
      await backend.store.finish(fresh('unknown'));
      await backend.store.release(fresh('unknown'));
      expect(await backend.store.owns(alice, id)).toBe(true);
    });

    test('an id already owned keeps its first owner', async () => {
      const [alice, mallory] = [fresh('alice'), fresh('mallory')];
      const { id } = await make(alice, { createdAt: T0 });
      const second = await make(mallory, { id, createdAt: T0 + 1 });
      expect(second.owns).toBe(false);
      expect(await backend.store.owns(alice, id)).toBe(true);
      expect(await backend.store.owns(mallory, id)).toBe(false);
      expect((await backend.store.list(mallory, { limit: 10, order: 'desc' })).ids).toEqual([]);
      expect(await make(alice, { id })).toMatchObject({ owns: true });
      expect((await backend.store.list(alice, { limit: 10, order: 'desc' })).ids).toEqual([id]);
    });

    test('list: creation order both ways, cursors, limit 0 and hasMore; characters are not listed', async () => {
      const user = fresh('lister');
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await make(user, { createdAt: T0 + i * 1000 })).id);
      await make(user, { kind: 'character', createdAt: T0 + 2500 });
      const desc = [...ids].reverse();
      const page = (order: 'asc' | 'desc', limit: number, after?: string) =>
        backend.store.list(user, { order, limit, after });
      expect(await page('desc', 10)).toEqual({ ids: desc, hasMore: false });
      expect(await page('asc', 10)).toEqual({ ids, hasMore: false });
      expect(await page('desc', 2)).toEqual({ ids: desc.slice(0, 2), hasMore: true });
      expect(await page('desc', 2, desc[1])).toEqual({ ids: desc.slice(2, 4), hasMore: true });
      expect(await page('desc', 2, desc[3])).toEqual({ ids: desc.slice(4), hasMore: false });
      expect(await page('asc', 2, ids[1])).toEqual({ ids: ids.slice(2, 4), hasMore: true });
      expect(await page('asc', 3, ids[1])).toEqual({ ids: ids.slice(2), hasMore: false });
      expect(await page('desc', 5)).toEqual({ ids: desc, hasMore: false });
      expect(await page('desc', 4)).toEqual({ ids: desc.slice(0, 4), hasMore: true });
      // limit 0: an empty page that still says whether there are more.
      expect(await page('desc', 0)).toEqual({ ids: [], hasMore: true });
      expect(await page('asc', 0, ids[3])).toEqual({ ids: [], hasMore: true });
      expect(await page('asc', 0, ids[4])).toEqual({ ids: [], hasMore: false });
      expect(await page('desc', 3, ids[0])).toEqual({ ids: [], hasMore: false });
      // A cursor the user does not own lists from the start, as the memory reference does.
      const other = await make(fresh('other'));
      expect(await page('desc', 2, other.id)).toEqual({ ids: desc.slice(0, 2), hasMore: true });
      expect(await page('asc', 2, fresh('nope'))).toEqual({ ids: ids.slice(0, 2), hasMore: true });
    });

    test('jobs created in the same millisecond keep their commit order, and cursors between them work', async () => {
      const user = fresh('ties');
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push((await make(user, { createdAt: T0 })).id);
      const { store } = backend;
      expect((await store.list(user, { limit: 10, order: 'asc' })).ids).toEqual(ids);
      expect((await store.list(user, { limit: 10, order: 'desc' })).ids).toEqual([...ids].reverse());
      expect(await store.list(user, { limit: 2, order: 'asc', after: ids[1] })).toEqual({
        ids: ids.slice(2, 4),
        hasMore: true,
      });
      expect(await store.list(user, { limit: 2, order: 'desc', after: ids[2] })).toEqual({
        ids: [ids[1], ids[0]],
        hasMore: false,
      });
    });

    test('remove forgets ownership, but the ledger still counts: create-then-delete games no limit', async () => {
      const user = fresh('gamer');
      const limits = { maxInFlight: 1, maxPerWindow: 2 };
      const r = await reserve(user, limits);
      if (!r.ok) throw new Error('first reserve refused');
      const id = fresh('video');
      expect(
        await backend.store.commit(r.reservation, { userId: user, id, kind: 'video', createdAt: T0 }),
      ).toBe(true);
      await backend.store.remove(user, id);
      expect(await backend.store.owns(user, id)).toBe(false);
      expect((await backend.store.list(user, { limit: 10, order: 'desc' })).ids).toEqual([]);
      expect(await reserve(user, limits, T0 + 1)).toEqual({
        ok: false,
        limit: 'in_flight',
        count: 1,
        active: [id],
      });
      await backend.store.finish(id);
      expect((await reserve(user, limits, T0 + 2)).ok).toBe(true);
      expect(refused(await reserve(user, limits, T0 + 3))).toEqual({ limit: 'window', count: 2 });
    });

    test('finish frees the in-flight slot; refusals list the active jobs', async () => {
      const user = fresh('flyer');
      const limits = { maxInFlight: 2 };
      const a = await make(user);
      const b = await make(user);
      const r = await reserve(user, limits);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.limit).toBe('in_flight');
      expect(r.count).toBe(2);
      expect([...r.active].sort()).toEqual([a.id, b.id].sort());
      await backend.store.finish(a.id);
      await backend.store.finish(a.id); // twice is fine
      const again = await reserve(user, limits);
      expect(again.ok).toBe(true);
      expect(refused(await reserve(user, limits))).toEqual({ limit: 'in_flight', count: 2 });
    });

    test('release frees the in-flight slot and the window; a committed entry is not released', async () => {
      const user = fresh('releaser');
      const limits = { maxInFlight: 1, maxPerWindow: 1 };
      const r = await reserve(user, limits);
      if (!r.ok) throw new Error('refused');
      expect(refused(await reserve(user, limits))).toEqual({ limit: 'window', count: 1 });
      await backend.store.release(r.reservation);
      const again = await reserve(user, limits);
      if (!again.ok) throw new Error('not freed by release');
      const id = fresh('video');
      await backend.store.commit(again.reservation, { userId: user, id, kind: 'video', createdAt: T0 });
      await backend.store.release(again.reservation);
      expect(refused(await reserve(user, { maxPerWindow: 5, maxInFlight: 1 }))).toEqual({
        limit: 'in_flight',
        count: 1,
      });
      expect(refused(await reserve(user, limits))).toEqual({ limit: 'window', count: 1 });
    });

    test('an uncommitted reservation frees its in-flight slot after its TTL, but still counts in the window', async () => {
      const user = fresh('crashed');
      const limits = { maxInFlight: 1, maxPerWindow: 2, windowMs: 60_000 };
      expect((await reserve(user, limits, T0, 1000)).ok).toBe(true);
      expect(await reserve(user, limits, T0 + 999, 1000)).toEqual({
        ok: false,
        limit: 'in_flight',
        count: 1,
        active: [],
      });
      expect((await reserve(user, limits, T0 + 1000, 1000)).ok).toBe(true);
      expect(refused(await reserve(user, limits, T0 + 5000, 1000))).toEqual({ limit: 'window', count: 2 });
    });

    test('the window slides with now', async () => {
      const user = fresh('slider');
      const limits = { maxPerWindow: 2, windowMs: 1000 };
      expect((await reserve(user, limits, T0)).ok).toBe(true);
      expect((await reserve(user, limits, T0 + 1)).ok).toBe(true);
      expect(refused(await reserve(user, limits, T0 + 999))).toEqual({ limit: 'window', count: 2 });
      expect((await reserve(user, limits, T0 + 1000)).ok).toBe(true);
      expect(refused(await reserve(user, limits, T0 + 1000))).toEqual({ limit: 'window', count: 2 });
      expect((await reserve(user, limits, T0 + 5000)).ok).toBe(true);
    });

    test('limits of Infinity mean no limit', async () => {
      const user = fresh('unlimited');
      const open = { maxInFlight: Number.POSITIVE_INFINITY, maxPerWindow: Number.POSITIVE_INFINITY };
      for (let i = 0; i < 3; i++)
        expect((await reserve(user, open, T0, Number.POSITIVE_INFINITY)).ok).toBe(true);
      const forever = { maxPerWindow: 3, windowMs: Number.POSITIVE_INFINITY };
      expect(refused(await reserve(user, forever, T0 + 10 ** 12))).toEqual({ limit: 'window', count: 3 });
    });

    test('characters count in the window but take no in-flight slot', async () => {
      const user = fresh('actor');
      const limits = { maxInFlight: 1, maxPerWindow: 3 };
      const video = await make(user);
      const character = (kind: OwnedKind) =>
        backend.store.reserve({
          userId: user,
          kind,
          limits: { ...roomy, ...limits },
          now: T0,
          ttlMs: 60_000,
        });
      const c = await character('character');
      if (!c.ok) throw new Error('character refused');
      const cid = fresh('char');
      expect(
        await backend.store.commit(c.reservation, {
          userId: user,
          id: cid,
          kind: 'character',
          createdAt: T0,
        }),
      ).toBe(true);
      expect(await reserve(user, limits)).toEqual({
        ok: false,
        limit: 'in_flight',
        count: 1,
        active: [video.id],
      });
      expect((await character('character')).ok).toBe(true);
      expect(refused(await character('character'))).toEqual({ limit: 'window', count: 3 });
      expect((await backend.store.list(user, { limit: 10, order: 'desc' })).ids).toEqual([video.id]);
      expect(await backend.store.owns(user, cid)).toBe(true);
    });

    test('committing an unknown or expired reservation still records the job and its ledger entry', async () => {
      const user = fresh('late');
      const id = fresh('video');
      expect(
        await backend.store.commit(fresh('no-such-reservation'), {
          userId: user,
          id,
          kind: 'video',
          createdAt: T0,
        }),
      ).toBe(true);
      expect(await backend.store.owns(user, id)).toBe(true);
      expect((await backend.store.list(user, { limit: 10, order: 'asc' })).ids).toEqual([id]);
      expect(await reserve(user, { maxInFlight: 1 })).toEqual({
        ok: false,
        limit: 'in_flight',
        count: 1,
        active: [id],
      });

      // Expired and dropped by a later reserve (out of the window too), then committed: counted again.
      const other = fresh('late');
      const limits = { maxInFlight: 1, maxPerWindow: 10, windowMs: 100 };
      const r1 = await reserve(other, limits, T0, 10);
      if (!r1.ok) throw new Error('refused');
      expect((await reserve(other, limits, T0 + 500, 10)).ok).toBe(true);
      const late = fresh('video');
      expect(
        await backend.store.commit(r1.reservation, { userId: other, id: late, kind: 'video', createdAt: T0 }),
      ).toBe(true);
      expect(await reserve(other, limits, T0 + 600, 10)).toEqual({
        ok: false,
        limit: 'in_flight',
        count: 1,
        active: [late],
      });
    });

    test('instances starting up while others serve traffic break nothing', async () => {
      if (!backend.startAnother) return;
      const user = fresh('busy');
      const ids = Array.from({ length: 40 }, () => fresh('video'));
      const starting = Array.from({ length: 4 }, () => backend.startAnother?.() as JobStore);
      const results = await Promise.all([
        ...ids.map((id, i) =>
          backend.store.commit(fresh('r'), { userId: user, id, kind: 'video', createdAt: T0 + i }),
        ),
        ...starting.map((store) => store.owns(user, ids[0] as string)),
        ...starting.map((store) =>
          store.reserve({ userId: user, kind: 'video', limits: roomy, now: T0, ttlMs: 1 }),
        ),
      ]);
      expect(results.slice(0, ids.length)).toEqual(ids.map(() => true));
      expect((await backend.store.list(user, { limit: 100, order: 'asc' })).ids).toEqual(ids);
    });

    test('30 concurrent reserves over every connection: exactly the limit pass', async () => {
      for (const [limits, limit] of [
        [{ maxInFlight: 7 }, 'in_flight'],
        [{ maxPerWindow: 5 }, 'window'],
      ] as const) {
        const user = fresh('racer');
        const stores = all();
        // Open every connection first, so the reserves start together rather than one per new connection.
        await Promise.all(
          Array.from({ length: 30 }, (_, i) => (stores[i % stores.length] as JobStore).owns(user, 'warm')),
        );
        const results = await Promise.all(
          Array.from({ length: 30 }, (_, i) =>
            (stores[i % stores.length] as JobStore).reserve({
              userId: user,
              kind: 'video',
              limits: { ...roomy, ...limits },
              now: T0,
              ttlMs: 60_000,
            }),
          ),
        );
        const max = 'maxInFlight' in limits ? limits.maxInFlight : limits.maxPerWindow;
        expect(results.filter((r) => r.ok)).toHaveLength(max);
        expect(new Set(results.map((r) => (r.ok ? r.reservation : undefined)).filter(Boolean)).size).toBe(
          max,
        );
        for (const r of results) if (!r.ok) expect(r).toMatchObject({ limit, count: max });
      }
    });

    test('odd ids and user ids are stored as they are, never interpreted', async () => {
      const long = (s: string) => s.padEnd(256, '🦄').slice(0, 256);
      const users = [...ODD, long(fresh('u'))].map((u) => `${u}${randomUUID().slice(0, 8)}`);
      const ids = [...ODD, long(fresh('v'))].map((v) => `${randomUUID().slice(0, 8)}${v}`);
      for (const [i, user] of users.entries()) {
        const mine = [ids[i] as string, ids[(i + 1) % ids.length] as string].map((id) => `${id}:${i}`);
        for (const [k, id] of mine.entries())
          expect((await make(user, { id, createdAt: T0 + k })).owns).toBe(true);
        expect(await backend.store.owns(user, mine[0] as string)).toBe(true);
        expect(await backend.store.owns(users[(i + 1) % users.length] as string, mine[0] as string)).toBe(
          false,
        );
        expect((await backend.store.list(user, { limit: 10, order: 'asc' })).ids).toEqual(mine);
        expect(await backend.store.list(user, { limit: 1, order: 'desc', after: mine[1] })).toEqual({
          ids: [mine[0]],
          hasMore: false,
        });
        const full = await reserve(user, { maxInFlight: 2 });
        expect(refused(full)).toEqual({ limit: 'in_flight', count: 2 });
        expect(full.ok ? [] : [...full.active].sort()).toEqual([...mine].sort());
        await backend.store.finish(mine[1] as string);
        await backend.store.remove(user, mine[0] as string);
        expect(await backend.store.owns(user, mine[0] as string)).toBe(false);
        expect((await backend.store.list(user, { limit: 10, order: 'desc' })).ids).toEqual([mine[1]]);
        expect(refused(await reserve(user, { maxInFlight: 1 }))).toEqual({ limit: 'in_flight', count: 1 });
      }
      // Prototype keys are data: no user owns `__proto__` because another user does.
      expect(await backend.store.owns('__proto__', '__proto__')).toBe(false);
    });

    test('10,000 jobs of one user: right pages, read from an index (where the backend explains its plan)', {
      timeout: 300_000,
    }, async () => {
      const user = fresh('prolific');
      const ids = Array.from(
        { length: 10_000 },
        (_, i) => `video_${String(i).padStart(5, '0')}_${randomUUID()}`,
      );
      const stores = all();
      let next = 0;
      if (backend.seedJobs) {
        await backend.seedJobs(
          user,
          ids.map((id, i) => ({ id, createdAt: T0 + i })),
        );
        next = ids.length;
      }
      // A few writers at once (each commit is one call), spread over every connection.
      await Promise.all(
        Array.from({ length: 8 }, async (_, w) => {
          const store = stores[w % stores.length] as JobStore;
          for (let i = next++; i < ids.length; i = next++) {
            await store.commit(`bulk-${i}-${user}`, {
              userId: user,
              id: ids[i] as string,
              kind: 'video',
              createdAt: T0 + i,
            });
          }
        }),
      );
      const { store } = backend;
      expect(await store.list(user, { limit: 20, order: 'desc' })).toEqual({
        ids: ids.slice(-20).reverse(),
        hasMore: true,
      });
      expect(await store.list(user, { limit: 20, order: 'asc', after: ids[4999] })).toEqual({
        ids: ids.slice(5000, 5020),
        hasMore: true,
      });
      expect(await store.list(user, { limit: 20, order: 'desc', after: ids[10] })).toEqual({
        ids: ids.slice(0, 10).reverse(),
        hasMore: false,
      });
      if (backend.explainList) {
        for (const order of ['asc', 'desc'] as const) {
          const plan = await backend.explainList(user, order, ids[5000] as string);
          for (const index of backend.indexPlan ?? [/Index/]) expect(plan, plan).toMatch(index);
          expect(plan, plan).not.toMatch(backend.scanPlan ?? /Seq Scan|Sort/);
        }
      }
    });

    describe('webhook dedupe store', () => {
      const dedupe = () => {
        if (!backend.dedupe) throw new Error('this backend has no dedupe store');
        return backend.dedupe;
      };
      test('add / set / get / delete', async () => {
        for (const id of [fresh('msg'), ...ODD.map((o) => `${o}${randomUUID()}`)]) {
          expect(await dedupe().get(id)).toBeUndefined();
          expect(await dedupe().add(id, 'pending', 60)).toBe(true);
          expect(await dedupe().add(id, 'pending', 60)).toBe(false);
          expect(await dedupe().get(id)).toBe('pending');
          await dedupe().set(id, 'done', 60);
          expect(await dedupe().get(id)).toBe('done');
          expect(await dedupe().add(id, 'pending', 60)).toBe(false);
          await dedupe().delete(id);
          expect(await dedupe().get(id)).toBeUndefined();
          expect(await dedupe().add(id, 'pending', 60)).toBe(true);
        }
      });
      test('a record expires after its TTL', async () => {
        const id = fresh('msg');
        expect(await dedupe().add(id, 'done', 0.2)).toBe(true);
        // Wait for the expiry itself (bounded), not for a guessed time.
        const deadline = Date.now() + 10_000;
        while ((await dedupe().get(id)) !== undefined && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 25));
        }
        expect(await dedupe().get(id)).toBeUndefined();
        expect(await dedupe().add(id, 'pending', 60)).toBe(true);
        expect(await dedupe().get(id)).toBe('pending');
      });
      test('add is atomic across clients: 20 at once, one wins', async () => {
        const id = fresh('msg');
        const dedupes = [dedupe(), ...(backend.dedupes ?? [])];
        const wins = await Promise.all(
          Array.from({ length: 20 }, (_, i) =>
            (dedupes[i % dedupes.length] as WebhookDedupeStore).add(id, 'pending', 60),
          ),
        );
        expect(wins.filter(Boolean)).toHaveLength(1);
      });
    });
  });
}
