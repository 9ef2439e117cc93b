import type { WebhookDedupeStore } from '@sora-kit/core';
import { bounded } from './bounded.js';
import type { JobStore, OwnedKind, ReserveResult } from './job-store.js';
import { checkTableName } from './sql-names.js';

/**
 * The least a PostgreSQL client must do: run one statement with `$1…` parameters and answer its rows.
 * `pg` (Pool, Client), `@neondatabase/serverless` (Pool; or `neon(url, { fullResults: true })`),
 * `@vercel/postgres` (`sql`, `db`) and `@electric-sql/pglite` fit as they are; postgres.js with
 * `{ query: (text, params) => sql.unsafe(text, params).then((rows) => ({ rows })) }`.
 */
export interface PostgresQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** Options of {@link postgresStore} and {@link schemaSql}. */
export interface PostgresStoreOptions {
  /**
   * The name of the jobs table (lower case letters, digits, `_`, optionally `schema.`); the ledger table
   * and the functions are named after it (`<table>_ledger`, `<table>_reserve`, `<table>_commit`).
   * Default: `sora_jobs`.
   */
  table?: string | undefined;
  /**
   * Whether the store creates its tables and functions at its first call (`CREATE … IF NOT EXISTS`, once
   * per store, safe when many instances start at once). `false` when you run {@link schemaSql} in your
   * migrations. Default: `true`.
   */
  createSchema?: boolean | undefined;
}

/**
 * The store's schema as one statement (a `DO` block: it takes an advisory lock so concurrent runs wait
 * for each other), for migrations. Tables: `<table>` (ownership, indexed on user, creation time and a
 * sequence for list pages) and `<table>_ledger` (every admitted call); functions `<table>_reserve` (the
 * atomic limit check: a per-user advisory lock, count, insert) and `<table>_commit`.
 */
export function schemaSql(options: Pick<PostgresStoreOptions, 'table'> = {}): string {
  const t = checkTableName(options.table ?? 'sora_jobs', 'table');
  const base = t.split('.').pop() as string;
  const inFlight = `l.kind = 'video' AND NOT l.finished AND (l.committed OR l.expires_at > p_now)`;
  return `DO $sora$ BEGIN
PERFORM pg_advisory_xact_lock(hashtextextended('sora-kit schema ${t}', 0));
-- Created before (the commit function is the block's last object, and the block is one transaction): stop
-- here, since CREATE INDEX IF NOT EXISTS would still lock the tables and could deadlock with live traffic.
IF to_regprocedure('${t}_commit(text, text, text, text, bigint)') IS NOT NULL THEN RETURN; END IF;
CREATE TABLE IF NOT EXISTS ${t} (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  kind text NOT NULL,
  created_at bigint NOT NULL,
  seq bigserial NOT NULL
);
CREATE INDEX IF NOT EXISTS ${base}_user_videos ON ${t} (user_id, created_at, seq) WHERE kind = 'video';
CREATE TABLE IF NOT EXISTS ${t}_ledger (
  id text PRIMARY KEY,
  user_id text NOT NULL,
  kind text NOT NULL,
  started_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  committed boolean NOT NULL DEFAULT false,
  finished boolean NOT NULL DEFAULT false,
  job_id text
);
CREATE INDEX IF NOT EXISTS ${base}_ledger_user ON ${t}_ledger (user_id, started_at);
CREATE INDEX IF NOT EXISTS ${base}_ledger_job ON ${t}_ledger (job_id) WHERE job_id IS NOT NULL;
CREATE OR REPLACE FUNCTION ${t}_reserve(p_user text, p_kind text, p_now bigint, p_window bigint,
  p_max_window bigint, p_max_flight bigint, p_ttl bigint)
RETURNS TABLE (ok boolean, reservation text, lim text, cnt integer, active text[])
LANGUAGE plpgsql AS $fn$
DECLARE w integer; f integer; a text[]; r text;
BEGIN
  -- One reserve per user at a time, across every connection: the count and the insert are one step.
  PERFORM pg_advisory_xact_lock(hashtextextended('${t}:' || p_user, 0));
  -- Entries that count for nothing any more are dropped, so the ledger stays bounded.
  DELETE FROM ${t}_ledger l WHERE l.user_id = p_user AND l.started_at <= p_now - p_window
    AND NOT (${inFlight});
  SELECT count(*) FILTER (WHERE l.started_at > p_now - p_window),
         count(*) FILTER (WHERE ${inFlight}),
         coalesce(array_agg(l.job_id) FILTER (WHERE ${inFlight} AND l.committed AND l.job_id IS NOT NULL), '{}')
    INTO w, f, a FROM ${t}_ledger l WHERE l.user_id = p_user;
  IF w >= p_max_window THEN RETURN QUERY SELECT false, NULL::text, 'window'::text, w, a; RETURN; END IF;
  IF p_kind = 'video' AND f >= p_max_flight THEN
    RETURN QUERY SELECT false, NULL::text, 'in_flight'::text, f, a; RETURN;
  END IF;
  r := gen_random_uuid()::text;
  INSERT INTO ${t}_ledger (id, user_id, kind, started_at, expires_at) VALUES (r, p_user, p_kind, p_now, p_now + p_ttl);
  RETURN QUERY SELECT true, r, NULL::text, 0, a;
END $fn$;
CREATE OR REPLACE FUNCTION ${t}_commit(p_reservation text, p_user text, p_id text, p_kind text, p_created bigint)
RETURNS boolean LANGUAGE plpgsql AS $fn$
DECLARE owner text;
BEGIN
  UPDATE ${t}_ledger SET committed = true, job_id = p_id, finished = (p_kind = 'character')
    WHERE id = p_reservation;
  IF NOT FOUND THEN
    -- Expired and dropped, or never known here: the API made the job, so it is on the ledger again.
    INSERT INTO ${t}_ledger (id, user_id, kind, started_at, expires_at, committed, finished, job_id)
      VALUES ('j:' || p_reservation, p_user, p_kind, p_created, 0, true, p_kind = 'character', p_id)
      ON CONFLICT (id) DO NOTHING;
  END IF;
  -- An id already owned keeps its first owner.
  INSERT INTO ${t} (id, user_id, kind, created_at) VALUES (p_id, p_user, p_kind, p_created)
    ON CONFLICT (id) DO NOTHING;
  SELECT user_id INTO owner FROM ${t} WHERE id = p_id;
  RETURN owner IS NOT DISTINCT FROM p_user;
END $fn$;
END $sora$`;
}

interface ReserveRow {
  ok: boolean;
  reservation: string | null;
  lim: 'window' | 'in_flight' | null;
  cnt: number;
  active: string[] | null;
}

/**
 * A {@link JobStore} in PostgreSQL (13 or newer), shared by every instance of your app. Each call is one
 * statement, so it works on a pool (statements on different connections) and over HTTP drivers; `reserve`
 * is atomic by a function that takes a per-user advisory lock, counts and inserts in one statement.
 *
 * @example
 * import { Pool } from 'pg';
 * import { postgresStore } from '@sora-kit/server/postgres';
 * const store = postgresStore(new Pool({ connectionString: process.env.DATABASE_URL }));
 */
export function postgresStore(db: PostgresQueryable, options: PostgresStoreOptions = {}): JobStore {
  const t = checkTableName(options.table ?? 'sora_jobs', 'table');
  const ready = schemaOnce(db, options.createSchema === false ? undefined : schemaSql({ table: t }));
  const run = async <Row>(text: string, params: unknown[]) => {
    await ready();
    return (await db.query(text, params)).rows as Row[];
  };
  return {
    async reserve(request) {
      const { maxInFlight, maxPerWindow, windowMs, now, ttlMs } = bounded(request);
      const [row] = await run<ReserveRow>(`SELECT * FROM ${t}_reserve($1, $2, $3, $4, $5, $6, $7)`, [
        request.userId,
        request.kind,
        now,
        windowMs,
        maxPerWindow,
        maxInFlight,
        ttlMs,
      ]);
      if (!row) throw new Error(`${t}_reserve answered no row`);
      if (row.ok && row.reservation) return { ok: true, reservation: row.reservation };
      return {
        ok: false,
        limit: row.lim === 'in_flight' ? 'in_flight' : 'window',
        count: Number(row.cnt),
        active: row.active ?? [],
      } satisfies ReserveResult;
    },
    async commit(reservation, { userId, id, kind, createdAt }) {
      const [row] = await run<{ owns: boolean }>(`SELECT ${t}_commit($1, $2, $3, $4, $5) AS owns`, [
        reservation,
        userId,
        id,
        kind satisfies OwnedKind,
        createdAt,
      ]);
      return row?.owns === true;
    },
    async release(reservation) {
      await run(`DELETE FROM ${t}_ledger WHERE id = $1 AND NOT committed`, [reservation]);
    },
    async owns(userId, id) {
      const rows = await run(`SELECT 1 FROM ${t} WHERE id = $1 AND user_id = $2`, [id, userId]);
      return rows.length > 0;
    },
    async list(userId, page) {
      const rows = await run<{ id: string }>(listSql(t, page.order), [
        userId,
        page.after ?? null,
        page.limit + 1,
      ]);
      return { ids: rows.slice(0, page.limit).map((r) => r.id), hasMore: rows.length > page.limit };
    },
    async remove(userId, id) {
      await run(`DELETE FROM ${t} WHERE id = $1 AND user_id = $2`, [id, userId]);
    },
    async finish(id) {
      await run(`UPDATE ${t}_ledger SET finished = true WHERE job_id = $1 AND NOT finished`, [id]);
    },
  };
}

/**
 * The list query: an index range on (user_id, created_at, seq) from the cursor's row (a cursor the user
 * does not own lists from the start, as the memory store does), read in order and cut at the limit.
 */
export function listSql(t: string, order: 'asc' | 'desc'): string {
  const [cmp, dir, lowest] =
    order === 'asc'
      ? ['>', 'ASC', 'CAST(-9223372036854775807 AS bigint)']
      : ['<', 'DESC', 'CAST(9223372036854775807 AS bigint)'];
  // The cursor's row is found by its id alone (the primary key): with the user in the WHERE, a planner
  // without statistics may walk the user's list index instead.
  const cursor = (column: string) =>
    `coalesce((SELECT CASE WHEN c.user_id = $1 AND c.kind = 'video' THEN c.${column} END FROM ${t} c WHERE c.id = $2), ${lowest})`;
  return `SELECT id FROM ${t} WHERE user_id = $1 AND kind = 'video'
  AND (created_at, seq) ${cmp} (${cursor('created_at')}, ${cursor('seq')})
  ORDER BY created_at ${dir}, seq ${dir} LIMIT $3`;
}

/** Runs `sql` once before the first call (again after a failure), however many calls wait for it. */
function schemaOnce(db: PostgresQueryable, sql: string | undefined): () => Promise<void> {
  let done: Promise<void> | undefined = sql === undefined ? Promise.resolve() : undefined;
  return () => {
    done ??= db.query(sql as string).then(
      () => undefined,
      (error: unknown) => {
        done = undefined;
        throw error;
      },
    );
    return done;
  };
}

/** Options of {@link postgresDedupeStore}. */
export interface PostgresDedupeOptions {
  /** The table of delivery ids (same naming rule as {@link PostgresStoreOptions.table}). Default: `sora_webhook_deliveries`. */
  table?: string | undefined;
  /** Whether the table is created at the first call. Default: `true`. */
  createSchema?: boolean | undefined;
}

/** The dedupe table as one statement, for migrations. */
export function dedupeSchemaSql(options: Pick<PostgresDedupeOptions, 'table'> = {}): string {
  const t = checkTableName(options.table ?? 'sora_webhook_deliveries', 'table');
  // Under the same advisory lock as the job schema: two instances creating the table at once would
  // otherwise race on the catalog (`duplicate key … pg_type_typname_nsp_index`) and fail a delivery.
  return `DO $sora$ BEGIN
PERFORM pg_advisory_xact_lock(hashtextextended('sora-kit schema ${t}', 0));
CREATE TABLE IF NOT EXISTS ${t} (id text PRIMARY KEY, state text NOT NULL, expires_at bigint NOT NULL);
END $sora$`;
}

/**
 * A webhook {@link WebhookDedupeStore} in PostgreSQL, for `createWebhookDeduper({ store })` across
 * instances: `add` is one `INSERT … ON CONFLICT DO UPDATE … WHERE expired` (atomic; a live id wins).
 * Expired rows are overwritten when their id comes back; delete old ones with
 * `DELETE FROM sora_webhook_deliveries WHERE expires_at < <unix ms>` on a schedule if you like.
 */
export function postgresDedupeStore(
  db: PostgresQueryable,
  options: PostgresDedupeOptions = {},
): WebhookDedupeStore {
  const t = checkTableName(options.table ?? 'sora_webhook_deliveries', 'table');
  const now = Date.now;
  const ready = schemaOnce(db, options.createSchema === false ? undefined : dedupeSchemaSql({ table: t }));
  const run = async <Row>(text: string, params: unknown[]) => {
    await ready();
    return (await db.query(text, params)).rows as Row[];
  };
  const expiry = (ttlSeconds: number) => now() + Math.ceil(ttlSeconds * 1000);
  return {
    async add(id, state, ttlSeconds) {
      const rows = await run(
        `INSERT INTO ${t} AS d (id, state, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at
         WHERE d.expires_at <= $4 RETURNING 1`,
        [id, state, expiry(ttlSeconds), now()],
      );
      return rows.length > 0;
    },
    async set(id, state, ttlSeconds) {
      await run(
        `INSERT INTO ${t} (id, state, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET state = excluded.state, expires_at = excluded.expires_at`,
        [id, state, expiry(ttlSeconds)],
      );
    },
    async get(id) {
      const [row] = await run<{ state: string }>(`SELECT state FROM ${t} WHERE id = $1 AND expires_at > $2`, [
        id,
        now(),
      ]);
      return row?.state === 'pending' || row?.state === 'done' ? row.state : undefined;
    },
    async delete(id) {
      await run(`DELETE FROM ${t} WHERE id = $1`, [id]);
    },
  };
}

// The shared status store of the read path (src/status), on the same driver.
export * from '../status/postgres.js';
