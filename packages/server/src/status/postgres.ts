import type { StatusEntry, StatusStore } from './status-store.js';

/** What the store needs of a Postgres driver: `pg`'s Pool or Client, PGlite, … (`$1` parameters). */
export interface PostgresStatusDb {
  query(text: string, params?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
}

/** A dedicated connection that LISTENs (`pg`'s Client): a pooled connection would drop the LISTEN. */
export interface PostgresStatusListener {
  query(text: string): Promise<unknown>;
  on(event: 'notification', listener: (message: { channel: string; payload?: string }) => void): unknown;
}

/** Options of {@link postgresStatusStore}. */
export interface PostgresStatusStoreOptions {
  /** The table (created by {@link postgresStatusSchema}). Default: `'sora_status'`. */
  table?: string | undefined;
  /**
   * A dedicated connection for change notices (`LISTEN`/`NOTIFY` on the table's name), so watchers on every
   * instance hear of a new entry at once. Without it, watched entries are re-read on a timer. Default: none.
   */
  listener?: PostgresStatusListener | undefined;
}

const NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The SQL that creates the status table (run it once, in a migration). */
export function postgresStatusSchema(table = 'sora_status'): string {
  checkName(table);
  return `CREATE TABLE IF NOT EXISTS ${table} (
  id text PRIMARY KEY,
  entry text,
  expires_at bigint NOT NULL DEFAULT 0,
  lease_until bigint NOT NULL DEFAULT 0
);`;
}

/**
 * A {@link StatusStore} in PostgreSQL, shared by every instance: one row per job (the entry and its expiry,
 * and a lease taken atomically by a conditional upsert), and a `NOTIFY` per change, heard by `listener`.
 * Expired rows are ignored when read and overwritten when written; delete them now and then
 * (`DELETE FROM sora_status WHERE expires_at < …`) if jobs are many.
 *
 * @example
 * const pool = new pg.Pool();
 * await pool.query(postgresStatusSchema());
 * const listener = new pg.Client(); await listener.connect();
 * const status = createStatusHub({ store: postgresStatusStore(pool, { listener }) });
 */
export function postgresStatusStore(
  db: PostgresStatusDb,
  options: PostgresStatusStoreOptions = {},
): StatusStore {
  const table = options.table ?? 'sora_status';
  checkName(table);
  const listeners = new Set<(id: string) => void>();
  let listening = false;
  const store: StatusStore = {
    async get(id) {
      const { rows } = await db.query(`SELECT entry FROM ${table} WHERE id = $1 AND expires_at > $2`, [
        id,
        Date.now(),
      ]);
      const text = rows[0]?.entry;
      if (typeof text !== 'string') return undefined;
      try {
        return JSON.parse(text) as StatusEntry;
      } catch {
        return undefined;
      }
    },
    async set(id, entry, ttlMs) {
      // The write and its notice in one statement: a listener never hears of an entry it cannot read yet.
      await db.query(
        `WITH saved AS (
           INSERT INTO ${table} (id, entry, expires_at) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET entry = EXCLUDED.entry, expires_at = EXCLUDED.expires_at
           RETURNING id)
         SELECT pg_notify($4, id) FROM saved`,
        [id, JSON.stringify(entry), Date.now() + Math.ceil(ttlMs), table],
      );
    },
    async claim(id, ms) {
      const now = Date.now();
      const { rows } = await db.query(
        `INSERT INTO ${table} (id, lease_until) VALUES ($1, $2)
         ON CONFLICT (id) DO UPDATE SET lease_until = EXCLUDED.lease_until WHERE ${table}.lease_until <= $3
         RETURNING id`,
        [id, now + Math.ceil(ms), now],
      );
      return rows.length === 1;
    },
    async release(id) {
      await db.query(`UPDATE ${table} SET lease_until = 0 WHERE id = $1`, [id]);
    },
  };
  const { listener } = options;
  if (listener) {
    store.subscribe = (each) => {
      listeners.add(each);
      if (!listening) {
        listening = true;
        listener.on('notification', ({ channel, payload }) => {
          if (channel !== table || typeof payload !== 'string') return;
          for (const one of [...listeners]) one(payload);
        });
        void listener.query(`LISTEN ${table}`).catch(() => {
          listening = false; // the hub's timers still refresh; the next watcher tries again
        });
      }
      return () => listeners.delete(each);
    };
  }
  return store;
}

function checkName(table: string): void {
  if (!NAME.test(table)) {
    throw new TypeError(
      `Invalid value for 'table': ${JSON.stringify(table)}. Allowed: a lower-case SQL name.`,
    );
  }
}
