import type { DeliveryState, WebhookDedupeStore } from '@sora-kit/core';
import { bounded } from './bounded.js';
import type { JobStore, ReserveResult } from './job-store.js';
import { SCRIPTS, type ScriptName } from './redis-scripts.js';

/** ioredis (`new Redis(url)`): scripts are defined once with `defineCommand` (EVALSHA, EVAL on NOSCRIPT). */
export interface IoredisLike {
  defineCommand(name: string, definition: { lua: string; numberOfKeys?: number }): void;
}

/** `@upstash/redis` (HTTP): scripts run with `createScript(lua).exec(keys, args)` (EVALSHA, then EVAL). */
export interface UpstashLike {
  createScript(script: string): { exec(keys: string[], args: string[]): Promise<unknown> };
}

/** Any other client, adapted: run `script` with EVAL/EVALSHA and answer its reply. */
export interface RedisScriptRunner {
  evalScript(script: string, keys: string[], args: string[]): Promise<unknown>;
}

/** A Redis client the stores accept. */
export type RedisClientLike = IoredisLike | UpstashLike | RedisScriptRunner;

/** Options of {@link redisStore} and {@link redisDedupeStore}. */
export interface RedisStoreOptions {
  /** Put before every key, to share a Redis with other data. Default: `sora:` (`sora:dedupe:` for dedupe). */
  prefix?: string | undefined;
}

type Run = (name: ScriptName, keys: string[], args: (string | number)[]) => Promise<unknown>;

let defined = 0;

/** One way to run the store's scripts, whatever the client. */
function runner(client: RedisClientLike): Run {
  if (typeof (client as RedisScriptRunner).evalScript === 'function') {
    const c = client as RedisScriptRunner;
    return (name, keys, args) => c.evalScript(SCRIPTS[name], keys, args.map(String)).then(decode);
  }
  if (typeof (client as UpstashLike).createScript === 'function') {
    const c = client as UpstashLike;
    const scripts = new Map<ScriptName, ReturnType<UpstashLike['createScript']>>();
    return (name, keys, args) => {
      const script = scripts.get(name) ?? c.createScript(SCRIPTS[name]);
      scripts.set(name, script);
      return script.exec(keys, args.map(String)).then(decode);
    };
  }
  if (typeof (client as IoredisLike).defineCommand === 'function') {
    const c = client as IoredisLike & Record<string, unknown>;
    // A name per store, so two stores on one client never clash with each other or the app's commands.
    const suffix = `soraKit${++defined}`;
    for (const [name, lua] of Object.entries(SCRIPTS)) c.defineCommand(`${name}_${suffix}`, { lua });
    return (name, keys, args) => {
      const command = c[`${name}_${suffix}`] as (...a: unknown[]) => Promise<unknown>;
      return command.call(c, keys.length, ...keys, ...args.map(String)).then(decode);
    };
  }
  throw new TypeError(
    "Invalid value for 'client': expected an ioredis client, an @upstash/redis client, or { evalScript(script, keys, args) }.",
  );
}

/** Every script answers `~` + JSON: no client's reply decoding (Upstash parses JSON-looking strings) touches it. */
function decode(reply: unknown): unknown {
  if (typeof reply !== 'string' || !reply.startsWith('~')) {
    throw new Error(`unexpected reply from a sora-kit Redis script: ${String(reply).slice(0, 100)}`);
  }
  return JSON.parse(reply.slice(1));
}

/** Key parts from the wire are percent-encoded: no separator, `{hash tag}` or glob character survives. */
const enc = encodeURIComponent;
/** A reservation is `<n>:<user id>`, so commit and release find the user's ledger without a lookup. */
const userOf = (reservation: string) => {
  const colon = reservation.indexOf(':');
  return colon > 0 ? reservation.slice(colon + 1) : undefined;
};
const list = (value: unknown): string[] => (Array.isArray(value) ? value.map(String) : []);

/**
 * A {@link JobStore} in Redis, shared by every instance of your app. `reserve` and `commit` are Lua scripts
 * (atomic in Redis); list pages read a sorted set per user (score: creation time; members ordered by a
 * sequence within a millisecond). For one Redis server (or a primary with replicas), not Redis Cluster.
 *
 * @example
 * import Redis from 'ioredis';
 * import { redisStore } from '@sora-kit/server/redis';
 * const store = redisStore(new Redis(process.env.REDIS_URL));
 */
export function redisStore(client: RedisClientLike, options: RedisStoreOptions = {}): JobStore {
  const run = runner(client);
  const p = options.prefix ?? 'sora:';
  const k = {
    ledger: (user: string) => `${p}ledger:${enc(user)}`,
    owner: (id: string) => `${p}owner:${enc(id)}`,
    videos: (user: string) => `${p}videos:${enc(user)}`,
    job: (id: string) => `${p}job:${enc(id)}`,
    seq: `${p}seq`,
  };
  return {
    async reserve(request) {
      const { userId, kind } = request;
      const { maxInFlight, maxPerWindow, windowMs, now, ttlMs } = bounded(request);
      const r = (await run(
        'reserve',
        [k.ledger(userId), k.seq],
        [kind, now, windowMs, maxPerWindow, maxInFlight, ttlMs, userId],
      )) as { ok: boolean; reservation?: string; limit?: string; count?: number; active?: unknown };
      if (r.ok && typeof r.reservation === 'string') return { ok: true, reservation: r.reservation };
      return {
        ok: false,
        limit: r.limit === 'in_flight' ? 'in_flight' : 'window',
        count: Number(r.count),
        active: list(r.active),
      } satisfies ReserveResult;
    },
    async commit(reservation, { userId, id, kind, createdAt }) {
      const owner = userOf(reservation);
      const keys = [
        k.ledger(owner ?? userId),
        k.ledger(userId),
        k.owner(id),
        k.videos(userId),
        k.job(id),
        k.seq,
      ];
      const args = [reservation, userId, id, kind, createdAt, owner ?? userId];
      return (await run('commit', keys, args)) === 1;
    },
    async release(reservation) {
      const owner = userOf(reservation);
      if (owner !== undefined) await run('release', [k.ledger(owner)], [reservation]);
    },
    async owns(userId, id) {
      return (await run('owner', [k.owner(id)], [])) === userId;
    },
    async list(userId, { after, limit, order }) {
      const members = list(
        await run(
          'list',
          [k.videos(userId), k.owner(after ?? '')],
          [order, limit, after === undefined ? 0 : 1, userId],
        ),
      );
      // Members are `<16-digit sequence>:<id>`.
      const ids = members.slice(0, limit).map((m) => m.slice(m.indexOf(':') + 1));
      return { ids, hasMore: members.length > limit };
    },
    async remove(userId, id) {
      await run('remove', [k.owner(id), k.videos(userId)], [userId]);
    },
    async finish(id) {
      // Who the job's ledger entry belongs to (written once, at its first commit), then mark it finished.
      const entry = (await run('jobEntry', [k.job(id)], [])) as { user?: string; field?: string } | null;
      if (entry?.user !== undefined && entry.field !== undefined) {
        await run('finish', [k.ledger(entry.user)], [entry.field]);
      }
    },
  };
}

/**
 * A webhook {@link WebhookDedupeStore} in Redis, for `createWebhookDeduper({ store })` across instances:
 * `add` is `SET key state NX PX ttl` (atomic), expiry is Redis's own.
 */
export function redisDedupeStore(
  client: RedisClientLike,
  options: RedisStoreOptions = {},
): WebhookDedupeStore {
  const run = runner(client);
  const p = options.prefix ?? 'sora:dedupe:';
  const key = (id: string) => `${p}${enc(id)}`;
  const ms = (ttlSeconds: number) => Math.max(1, Math.ceil(ttlSeconds * 1000));
  return {
    async add(id, state, ttlSeconds) {
      return (await run('dedupeAdd', [key(id)], [state, ms(ttlSeconds)])) === 1;
    },
    async set(id, state, ttlSeconds) {
      await run('dedupeSet', [key(id)], [state, ms(ttlSeconds)]);
    },
    async get(id) {
      const state = await run('dedupeGet', [key(id)], []);
      return state === 'pending' || state === 'done' ? (state as DeliveryState) : undefined;
    },
    async delete(id) {
      await run('dedupeDelete', [key(id)], []);
    },
  };
}

// The shared status store of the read path (src/status), on the same driver.
export * from '../status/redis.js';
