import { Redis, type RedisOptions } from 'ioredis';

/**
 * Where the queue lives: a `redis://` / `rediss://` URL (`redis://:password@host:6379/0`), ioredis options,
 * or an ioredis instance you made (it is used as it is and never closed here).
 */
export type QueueConnection = string | RedisOptions | Redis;

/** A failed connection to Redis (at the start, or lost mid-run), as `onConnectionError` reports it. */
export interface ConnectionProblem {
  /** Where: the Redis URL with its password masked (`redis://:***@host:6379/0`), or `host:port`. */
  url: string;
  /** Why, in words, with the system's or Redis's code: `connection refused (ECONNREFUSED)`. */
  reason: string;
  /** `ECONNREFUSED`, `ENOTFOUND`, `WRONGPASS`, `NOAUTH`, … when known. */
  code: string | undefined;
  /** Redis refused the credentials: retrying does not help until they change. */
  auth: boolean;
  /** The reconnect attempt about to be made: 1 for the first since the connection was last up. */
  attempt: number;
  /** Ms until that attempt; `undefined` when no attempt follows (`reconnectForMs` is spent). */
  retryInMs: number | undefined;
}

/** Options every queue and worker takes about its connection. */
export interface ConnectionOptions {
  /**
   * Called once per failed attempt to reach Redis (at the start, or after the connection was lost), with
   * the reason and when the next attempt is. Without it, nothing is printed: connection errors are never
   * written to the console by this package. Default: none.
   */
  onConnectionError?: ((problem: ConnectionProblem) => void) | undefined;
  /** Called when the connection is up again after a problem, with how long it was down (ms). Default: none. */
  onReconnected?: ((info: { url: string; downMs: number }) => void) | undefined;
}

/** Thrown by a queue's calls once its connection failed for good (`reconnectForMs` spent). */
export class QueueConnectionError extends Error {
  override name = 'QueueConnectionError';
  constructor(
    /** The URL, password masked. */
    readonly url: string,
    /** The last reason, as in {@link ConnectionProblem.reason}. */
    readonly reason: string,
    readonly code: string | undefined,
    readonly auth: boolean,
    message: string,
  ) {
    super(message);
  }
}

/** An open connection, whether it is ours to close, and what went wrong with it last. */
export interface OpenConnection {
  redis: Redis;
  owned: boolean;
  /** The URL, password masked, for messages. */
  url: string;
  /** The last problem since the connection was last up (undefined while it is up). */
  problem(): ConnectionProblem | undefined;
}

/** A Redis URL with its password replaced, for messages and logs. */
export function redactRedisUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:@/]*:)[^@/]*@/i, '$1***@');
}

/** Reconnect delays: 0.5 s, 1 s, 2 s, … 30 s at most, so a daemon waiting for Redis logs a line a while. */
export const reconnectDelayMs = (attempt: number): number =>
  Math.min(30_000, 500 * 2 ** Math.max(0, attempt - 1));

const REASONS: Record<string, string> = {
  ECONNREFUSED: 'connection refused: nothing listens there',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed',
  ETIMEDOUT: 'timed out',
  ECONNRESET: 'connection reset',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  EPIPE: 'connection lost',
  WRONGPASS: 'Redis refused the user name or password',
  NOAUTH: 'Redis needs a password, and none was given',
  NOPERM: 'the Redis user lacks a permission',
};

/** Why a connection failed, in words, and whether it is about credentials. */
export function describeRedisError(error: unknown): {
  reason: string;
  code: string | undefined;
  auth: boolean;
} {
  const err = error as { code?: unknown; message?: unknown } | undefined;
  const message = typeof err?.message === 'string' ? err.message : String(error);
  // Redis's own replies start with their code (`WRONGPASS invalid username-password pair`), sometimes
  // behind ioredis's `Ready check failed: `.
  const redisCode = /\b(WRONGPASS|NOAUTH|NOPERM|LOADING|MASTERDOWN)\b/.exec(message)?.[1];
  const code = typeof err?.code === 'string' ? err.code : redisCode;
  const known = code && REASONS[code];
  const auth = code === 'WRONGPASS' || code === 'NOAUTH' || /invalid password|ERR AUTH/i.test(message);
  const reason = known
    ? `${known} (${code})`
    : message === 'Connection is closed.'
      ? 'connection closed'
      : message.replace(/^Ready check failed: /, '');
  return { reason, code, auth };
}

function describeTarget(connection: QueueConnection): string {
  if (typeof connection === 'string') return redactRedisUrl(connection);
  const options = connection instanceof Redis ? connection.options : connection;
  return `${options.host ?? '127.0.0.1'}:${options.port ?? 6379}`;
}

/**
 * Opens a connection the way BullMQ needs it: `maxRetriesPerRequest: null`, so a blocking command of a
 * worker waits out a Redis restart instead of failing its job. BullMQ in an ES module cannot load
 * ioredis by itself (it uses `require`), so every queue and worker is handed a ready instance.
 *
 * Every connection has an `error` listener: without one, ioredis prints each failed attempt's stack to
 * the console. Failures are reported once per attempt through `onConnectionError` instead. A connection
 * made here reconnects with a backoff ({@link reconnectDelayMs}), for `reconnectForMs` after it went down
 * (default: forever); then it ends, and every call waiting on it fails.
 */
export function openConnection(
  connection: QueueConnection,
  options: ConnectionOptions & { reconnectForMs?: number | undefined } = {},
): OpenConnection {
  const url = describeTarget(connection);
  let downSince: number | undefined;
  let last: ConnectionProblem | undefined;
  let gaveUp = false;
  const retryStrategy = (times: number) => {
    const down = Date.now() - (downSince ?? Date.now());
    if (options.reconnectForMs === undefined) return reconnectDelayMs(times);
    if (down >= options.reconnectForMs) {
      gaveUp = true;
      return null;
    }
    // The last attempt falls on the deadline, not a backoff after it.
    return Math.min(reconnectDelayMs(times), Math.max(50, options.reconnectForMs - down));
  };
  let redis: Redis;
  let owned = true;
  if (connection instanceof Redis) {
    redis = connection;
    owned = false;
  } else if (typeof connection === 'string') {
    if (!/^rediss?:\/\//i.test(connection)) {
      throw new TypeError(
        `Invalid value for 'connection': '${redactRedisUrl(connection)}'. Allowed: a redis:// or rediss:// URL.`,
      );
    }
    redis = new Redis(connection, { maxRetriesPerRequest: null, retryStrategy });
  } else {
    redis = new Redis({ retryStrategy, ...connection, maxRetriesPerRequest: null });
  }

  let attempt = 0;
  let lastError: unknown;
  redis.on('error', (error: unknown) => {
    lastError = error;
    downSince ??= Date.now();
  });
  redis.on('close', () => {
    downSince ??= Date.now();
  });
  redis.on('reconnecting', (delay: unknown) => {
    attempt += 1;
    const { reason, code, auth } = describeRedisError(lastError ?? new Error('Connection is closed.'));
    last = { url, reason, code, auth, attempt, retryInMs: typeof delay === 'number' ? delay : undefined };
    options.onConnectionError?.(last);
  });
  redis.on('end', () => {
    // `reconnectForMs` spent: one last report, without a next attempt.
    if (!gaveUp || lastError === undefined) return;
    const { reason, code, auth } = describeRedisError(lastError);
    last = { url, reason, code, auth, attempt: attempt + 1, retryInMs: undefined };
    options.onConnectionError?.(last);
  });
  redis.on('ready', () => {
    if (downSince !== undefined && attempt > 0)
      options.onReconnected?.({ url, downMs: Date.now() - downSince });
    attempt = 0;
    downSince = undefined;
    lastError = undefined;
    last = undefined;
  });
  return { redis, owned, url, problem: () => last };
}

/**
 * Turns what a call on a connection that failed for good threw into a {@link QueueConnectionError} that
 * says where and why; anything else is answered as it is.
 */
export function connectionFailure(open: OpenConnection, error: unknown): unknown {
  const problem = open.problem();
  if (!problem || open.redis.status !== 'end') return error;
  return new QueueConnectionError(
    problem.url,
    problem.reason,
    problem.code,
    problem.auth,
    `Redis at ${problem.url}: ${problem.reason}.`,
  );
}

/** Closes a connection that is ours: politely when it is up, at once when it is not (QUIT would wait). */
export async function closeConnection(open: OpenConnection): Promise<void> {
  if (!open.owned) return;
  if (open.redis.status === 'ready') await open.redis.quit().catch(() => open.redis.disconnect());
  else open.redis.disconnect();
}
