import type { StatusEntry, StatusStore } from './status-store.js';

/** The commands the store sends, with ioredis' signatures (`set(key, value, 'PX', ms, 'NX')`). */
export interface RedisStatusClient {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, px: 'PX', ms: number): Promise<unknown>;
  set(key: string, value: string, px: 'PX', ms: number, nx: 'NX'): Promise<unknown>;
  del(key: string): Promise<unknown>;
  publish(channel: string, message: string): Promise<unknown>;
}

/** A connection in subscriber mode (ioredis: `client.duplicate()`): Redis serves nothing else on it. */
export interface RedisStatusSubscriber {
  subscribe(channel: string): Promise<unknown>;
  on(event: 'message', listener: (channel: string, message: string) => void): unknown;
}

/** Options of {@link redisStatusStore}. */
export interface RedisStatusStoreOptions {
  /** Prefix of every key and of the channel. Default: `'sora:'`. */
  prefix?: string | undefined;
  /**
   * A second connection for change notices (Redis pub/sub), so watchers on every instance hear of a new
   * entry at once. Without it, watched entries are re-read on a timer (the hub's `storePollMs`). Default: none.
   */
  subscriber?: RedisStatusSubscriber | undefined;
}

/**
 * A {@link StatusStore} in Redis, shared by every instance: an entry per job (`SET … PX`), a lease per job
 * (`SET … PX … NX`, atomic), and a notice per change on one channel (`PUBLISH`), heard through `subscriber`.
 *
 * @example
 * import Redis from 'ioredis';
 * const redis = new Redis(process.env.REDIS_URL);
 * const status = createStatusHub({ store: redisStatusStore(redis, { subscriber: redis.duplicate() }) });
 */
export function redisStatusStore(
  client: RedisStatusClient,
  options: RedisStatusStoreOptions = {},
): StatusStore {
  const prefix = options.prefix ?? 'sora:';
  const channel = `${prefix}status`;
  const entryKey = (id: string) => `${prefix}status:${id}`;
  const leaseKey = (id: string) => `${prefix}status-lease:${id}`;
  const listeners = new Set<(id: string) => void>();
  let subscribed = false;
  const store: StatusStore = {
    async get(id) {
      const text = await client.get(entryKey(id));
      if (text === null) return undefined;
      try {
        return JSON.parse(text) as StatusEntry;
      } catch {
        return undefined; // not ours (another program's key): treated as absent, rewritten at the next read
      }
    },
    async set(id, entry, ttlMs) {
      await client.set(entryKey(id), JSON.stringify(entry), 'PX', Math.ceil(ttlMs));
      await client.publish(channel, id);
    },
    async claim(id, ms) {
      return (await client.set(leaseKey(id), '1', 'PX', Math.ceil(ms), 'NX')) === 'OK';
    },
    async release(id) {
      await client.del(leaseKey(id));
    },
  };
  const { subscriber } = options;
  if (subscriber) {
    store.subscribe = (listener) => {
      listeners.add(listener);
      if (!subscribed) {
        subscribed = true;
        subscriber.on('message', (from, id) => {
          if (from !== channel) return;
          for (const each of [...listeners]) each(id);
        });
        void subscriber.subscribe(channel).catch(() => {
          subscribed = false; // tried again by the next watcher; meanwhile the hub's timers still refresh
        });
      }
      return () => listeners.delete(listener);
    };
  }
  return store;
}
