import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where the queue lives: a `redis://` / `rediss://` URL (`redis://:password@host:6379/0`), ioredis options,
 * or an ioredis instance you made (it is used as it is and never closed here).
 */
export type QueueConnection = string | RedisOptions | Redis;

/** An open connection and whether it is ours to close. */
export interface OpenConnection {
  redis: Redis;
  owned: boolean;
}

/** A Redis URL with its password replaced, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/**
 * Opens a connection the way BullMQ needs it: `maxRetriesPerRequest: null`, so a blocking command of a
 * worker waits out a Redis restart instead of failing its job. BullMQ in an ES module cannot load
 * ioredis by itself (it uses `require`), so every queue and worker is handed a ready instance.
 */
export function openConnection(connection: QueueConnection): OpenConnection {
  if (connection instanceof Redis) return { redis: connection, owned: false };
  if (typeof connection === 'string') {
    if (!/^rediss?:\/\//i.test(connection)) {
      throw new TypeError(
        `Invalid value for 'connection': '${redactRedisUrl(connection)}'. Allowed: a redis:// or rediss:// URL.`,
      );
    }
    return { redis: new Redis(connection, { maxRetriesPerRequest: null }), owned: true };
  }
  return { redis: new Redis({ ...connection, maxRetriesPerRequest: null }), owned: true };
}
