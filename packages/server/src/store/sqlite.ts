import type { WebhookDedupeStore } from '@sora-kit/core';
import { bounded } from './bounded.js';
import type { JobStore, ReserveResult } from './job-store.js';
import { checkTableName } from './sql-names.js';

/** Cloudflare D1 (`env.DB`): statements bound and run in one `batch` (a transaction). */
export interface D1Like {
  prepare(sql: string): { bind(...values: unknown[]): unknown };
  batch(statements: unknown[]): Promise<{ results?: unknown[] }[]>;
}

/** better-sqlite3 12 (`new Database(file)`): statements run in an immediate transaction. */
export interface BetterSqliteLike {
  prepare(sql: string): {
    reader: boolean;
    all(...params: unknown[]): unknown[];
    run(...params: unknown[]): unknown;
  };
  // Typed loosely on purpose: better-sqlite3's own generic `Transaction<F>` must fit without importing it.
  // biome-ignore lint/suspicious/noExplicitAny: matched by shape against the driver's generic signature.
  transaction(fn: (statements: any) => any): { immediate(statements: any): any };
}

/** A SQLite database the stores accept. */
export type SqliteLike = D1Like | BetterSqliteLike;

/** Options of {@link sqliteStore} and {@link sqliteSchema}. */
export interface SqliteStoreOptions {
  /**
   * The jobs table (lower case letters, digits, `_`); the ledger is `<table>_ledger`. Default: `sora_jobs`.
   */
  table?: string | undefined;
  /** Whether the tables are created at the first call (`IF NOT EXISTS`). Default: `true`. */
  createSchema?: boolean | undefined;
}

interface Statement {
  sql: string;
  params: unknown[];
}

/** The parameters a statement uses (`?1`…`?N`): both drivers refuse more values than the statement has. */
const bound = ({ sql, params }: Statement) => {
  let max = 0;
  for (const [, n] of sql.matchAll(/\?(\d+)/g)) max = Math.max(max, Number(n));
  return params.slice(0, max);
};

/** Runs statements as one transaction, answering each one's rows. */
type Atomic = (statements: Statement[]) => Promise<Record<string, unknown>[][]>;

function atomic(db: SqliteLike): Atomic {
  if (typeof (db as BetterSqliteLike).transaction === 'function') {
    const d = db as BetterSqliteLike;
    // better-sqlite3 takes `?NNN` for named parameters: each becomes a plain `?`, its value repeated.
    const prepared = new Map<
      string,
      { statement: ReturnType<BetterSqliteLike['prepare']>; order: number[] }
    >();
    const prepare = (sql: string) => {
      let entry = prepared.get(sql);
      if (!entry) {
        const order: number[] = [];
        const statement = d.prepare(
          sql.replace(/\?(\d+)/g, (_, n: string) => {
            order.push(Number(n) - 1);
            return '?';
          }),
        );
        entry = { statement, order };
        prepared.set(sql, entry);
      }
      return entry;
    };
    // BEGIN IMMEDIATE: the write lock first, so another connection's reserve waits instead of both
    // counting the same rows.
    const run: (statements: Statement[]) => Record<string, unknown>[][] = d.transaction(
      (statements: Statement[]) =>
        statements.map(({ sql, params }) => {
          const { statement, order } = prepare(sql);
          const values = order.map((i) => params[i]);
          if (statement.reader) return statement.all(...values) as Record<string, unknown>[];
          statement.run(...values);
          return [];
        }),
    ).immediate;
    return async (statements) => run(statements);
  }
  if (typeof (db as D1Like).batch === 'function') {
    const d = db as D1Like;
    return async (statements) => {
      const results = await d.batch(statements.map((s) => d.prepare(s.sql).bind(...bound(s))));
      return results.map((r) => (r.results ?? []) as Record<string, unknown>[]);
    };
  }
  throw new TypeError(
    "Invalid value for 'db': expected a Cloudflare D1 database or a better-sqlite3 Database.",
  );
}

/** The store's schema, statement by statement (for migrations: `wrangler d1 migrations` or your own). */
export function sqliteSchema(options: Pick<SqliteStoreOptions, 'table'> = {}): string[] {
  const t = sqliteName(options.table ?? 'sora_jobs');
  return [
    `CREATE TABLE IF NOT EXISTS ${t} (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, user_id TEXT NOT NULL, kind TEXT NOT NULL, created_at INTEGER NOT NULL)`,
    `CREATE INDEX IF NOT EXISTS ${t}_user_videos ON ${t} (user_id, created_at, seq) WHERE kind = 'video'`,
    `CREATE TABLE IF NOT EXISTS ${t}_ledger (id TEXT PRIMARY KEY, user_id TEXT NOT NULL, kind TEXT NOT NULL, started_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, committed INTEGER NOT NULL DEFAULT 0, finished INTEGER NOT NULL DEFAULT 0, job_id TEXT)`,
    `CREATE INDEX IF NOT EXISTS ${t}_ledger_user ON ${t}_ledger (user_id, started_at)`,
    `CREATE INDEX IF NOT EXISTS ${t}_ledger_job ON ${t}_ledger (job_id) WHERE job_id IS NOT NULL`,
  ];
}

/** SQLite has no schemas in these databases: a plain name only. */
const sqliteName = (name: string) => {
  const t = checkTableName(name, 'table');
  if (t.includes('.')) {
    throw new TypeError(`Invalid value for 'table': "${t}". Allowed: a plain name (no schema) in SQLite.`);
  }
  return t;
};

/** Runs the schema once before the first call (again after a failure). */
function schemaOnce(run: Atomic, statements: string[] | undefined): () => Promise<void> {
  let done: Promise<void> | undefined = statements ? undefined : Promise.resolve();
  return () => {
    done ??= run((statements ?? []).map((sql) => ({ sql, params: [] }))).then(
      () => undefined,
      (error: unknown) => {
        done = undefined;
        throw error;
      },
    );
    return done;
  };
}

/**
 * The list query: an index range on (user_id, created_at, seq) after the cursor's row (a cursor the user
 * does not own lists from the start, as the memory store does), cut at the limit.
 */
export function sqliteListSql(t: string, order: 'asc' | 'desc'): string {
  const [cmp, dir, edge] = order === 'asc' ? ['>', 'ASC', '-9e18'] : ['<', 'DESC', '9e18'];
  // The cursor's row is found by its id alone (its unique index), whatever the planner's statistics.
  const cursor = (column: string) =>
    `coalesce((SELECT CASE WHEN c.user_id = ?1 AND c.kind = 'video' THEN c.${column} END FROM ${t} c WHERE c.id = ?2), ${edge})`;
  return `SELECT id FROM ${t} WHERE user_id = ?1 AND kind = 'video' AND (created_at, seq) ${cmp} (${cursor('created_at')}, ${cursor('seq')}) ORDER BY created_at ${dir}, seq ${dir} LIMIT ?3`;
}

/**
 * A {@link JobStore} in SQLite: Cloudflare D1 (shared by every Worker) or better-sqlite3 (one machine,
 * any number of processes on the same file). `reserve` counts and inserts in one transaction (a D1 batch;
 * `BEGIN IMMEDIATE` in better-sqlite3), which SQLite runs one writer at a time.
 *
 * @example
 * import { sqliteStore } from '@sora-kit/server/sqlite';
 * export default { fetch: (request, env) => createSoraHandler({ ..., store: sqliteStore(env.DB) })(request) };
 */
export function sqliteStore(db: SqliteLike, options: SqliteStoreOptions = {}): JobStore {
  const t = sqliteName(options.table ?? 'sora_jobs');
  const l = `${t}_ledger`;
  const exec = atomic(db);
  const ready = schemaOnce(exec, options.createSchema === false ? undefined : sqliteSchema({ table: t }));
  const run = async (...statements: Statement[]) => {
    await ready();
    return exec(statements);
  };
  const inFlight = `kind = 'video' AND finished = 0 AND (committed = 1 OR expires_at > ?2)`;
  return {
    async reserve(request) {
      const { userId, kind } = request;
      const limits = bounded(request);
      const { now, ttlMs } = limits;
      const id = crypto.randomUUID();
      const p = [userId, now, now - limits.windowMs, kind, limits.maxPerWindow, limits.maxInFlight];
      const [, , [row] = []] = await run(
        // Entries that count for nothing any more are dropped, so the ledger stays bounded.
        { sql: `DELETE FROM ${l} WHERE user_id = ?1 AND started_at <= ?3 AND NOT (${inFlight})`, params: p },
        {
          sql: `INSERT INTO ${l} (id, user_id, kind, started_at, expires_at) SELECT ?7, ?1, ?4, ?2, ?8
            WHERE (SELECT count(*) FROM ${l} WHERE user_id = ?1 AND started_at > ?3) < ?5
              AND (?4 <> 'video' OR (SELECT count(*) FROM ${l} WHERE user_id = ?1 AND ${inFlight}) < ?6)`,
          params: [...p, id, now + ttlMs],
        },
        {
          sql: `SELECT EXISTS (SELECT 1 FROM ${l} WHERE id = ?7) AS ok,
              count(*) FILTER (WHERE started_at > ?3) AS w,
              count(*) FILTER (WHERE ${inFlight}) AS f,
              json_group_array(job_id) FILTER (WHERE ${inFlight} AND committed = 1 AND job_id IS NOT NULL) AS active
            FROM ${l} WHERE user_id = ?1`,
          params: [...p, id],
        },
      );
      if (!row) throw new Error(`${l}: the reserve batch answered no row`);
      if (Number(row.ok) === 1) return { ok: true, reservation: id };
      const active = JSON.parse(String(row.active ?? '[]')) as unknown[];
      const windowFull = Number(row.w) >= limits.maxPerWindow;
      return {
        ok: false,
        limit: windowFull ? 'window' : 'in_flight',
        count: Number(windowFull ? row.w : row.f),
        active: active.map(String),
      } satisfies ReserveResult;
    },
    async commit(reservation, { userId, id, kind, createdAt }) {
      const finished = kind === 'character' ? 1 : 0;
      const [, , , [row] = []] = await run(
        {
          sql: `UPDATE ${l} SET committed = 1, job_id = ?2, finished = ?3 WHERE id = ?1`,
          params: [reservation, id, finished],
        },
        {
          // Expired and dropped, or never known here: the API made the job, so it is on the ledger again.
          sql: `INSERT OR IGNORE INTO ${l} (id, user_id, kind, started_at, expires_at, committed, finished, job_id)
            SELECT 'j:' || ?1, ?2, ?3, ?4, 0, 1, ?5, ?6 WHERE NOT EXISTS (SELECT 1 FROM ${l} WHERE id = ?1)`,
          params: [reservation, userId, kind, createdAt, finished, id],
        },
        {
          // An id already owned keeps its first owner.
          sql: `INSERT OR IGNORE INTO ${t} (id, user_id, kind, created_at) VALUES (?1, ?2, ?3, ?4)`,
          params: [id, userId, kind, createdAt],
        },
        { sql: `SELECT user_id = ?2 AS owns FROM ${t} WHERE id = ?1`, params: [id, userId] },
      );
      return Number(row?.owns) === 1;
    },
    async release(reservation) {
      await run({ sql: `DELETE FROM ${l} WHERE id = ?1 AND committed = 0`, params: [reservation] });
    },
    async owns(userId, id) {
      const [rows] = await run({
        sql: `SELECT 1 AS one FROM ${t} WHERE id = ?1 AND user_id = ?2`,
        params: [id, userId],
      });
      return (rows?.length ?? 0) > 0;
    },
    async list(userId, { after, limit, order }) {
      const [rows = []] = await run({
        sql: sqliteListSql(t, order),
        params: [userId, after ?? null, limit + 1],
      });
      return { ids: rows.slice(0, limit).map((r) => String(r.id)), hasMore: rows.length > limit };
    },
    async remove(userId, id) {
      await run({ sql: `DELETE FROM ${t} WHERE id = ?1 AND user_id = ?2`, params: [id, userId] });
    },
    async finish(id) {
      await run({ sql: `UPDATE ${l} SET finished = 1 WHERE job_id = ?1 AND finished = 0`, params: [id] });
    },
  };
}

/** Options of {@link sqliteDedupeStore}. */
export interface SqliteDedupeOptions {
  /** The table of delivery ids. Default: `sora_webhook_deliveries`. */
  table?: string | undefined;
  /** Whether the table is created at the first call. Default: `true`. */
  createSchema?: boolean | undefined;
}

/**
 * A webhook {@link WebhookDedupeStore} in SQLite (D1, better-sqlite3), for `createWebhookDeduper({ store })`:
 * `add` is one upsert that only overwrites an expired row (atomic).
 */
export function sqliteDedupeStore(db: SqliteLike, options: SqliteDedupeOptions = {}): WebhookDedupeStore {
  const t = sqliteName(options.table ?? 'sora_webhook_deliveries');
  const exec = atomic(db);
  const schema = [
    `CREATE TABLE IF NOT EXISTS ${t} (id TEXT PRIMARY KEY, state TEXT NOT NULL, expires_at INTEGER NOT NULL)`,
  ];
  const ready = schemaOnce(exec, options.createSchema === false ? undefined : schema);
  const run = async (sql: string, params: unknown[]) => {
    await ready();
    const [rows = []] = await exec([{ sql, params }]);
    return rows;
  };
  const expiry = (ttlSeconds: number) => Date.now() + Math.ceil(ttlSeconds * 1000);
  const upsert = `INSERT INTO ${t} (id, state, expires_at) VALUES (?1, ?2, ?3)
    ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at`;
  return {
    async add(id, state, ttlSeconds) {
      const rows = await run(`${upsert} WHERE ${t}.expires_at <= ?4 RETURNING 1 AS added`, [
        id,
        state,
        expiry(ttlSeconds),
        Date.now(),
      ]);
      return rows.length > 0;
    },
    async set(id, state, ttlSeconds) {
      await run(upsert, [id, state, expiry(ttlSeconds)]);
    },
    async get(id) {
      const [row] = await run(`SELECT state FROM ${t} WHERE id = ?1 AND expires_at > ?2`, [id, Date.now()]);
      return row?.state === 'pending' || row?.state === 'done' ? row.state : undefined;
    },
    async delete(id) {
      await run(`DELETE FROM ${t} WHERE id = ?1`, [id]);
    },
  };
}
