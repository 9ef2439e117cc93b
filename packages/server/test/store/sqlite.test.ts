// SQLite through better-sqlite3 12 (built from source here): three connections to one WAL file. The calls
// are synchronous, so the "race" interleaves whole transactions; BEGIN IMMEDIATE is what makes it safe
// across processes.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteDedupeStore, sqliteListSql, sqliteStore } from '../../src/store/sqlite.js';
import { describeJobStore } from './contract.js';

describeJobStore('SQLite (better-sqlite3)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sora-sqlite-'));
  const dbs = [1, 2, 3].map(() => new Database(join(dir, 'store.db')));
  for (const db of dbs) db.pragma('journal_mode = WAL');
  const [first, ...others] = dbs as [Database.Database, ...Database.Database[]];
  return {
    store: sqliteStore(first),
    stores: others.map((db) => sqliteStore(db)),
    dedupe: sqliteDedupeStore(first),
    dedupes: others.map((db) => sqliteDedupeStore(db)),
    explainList: async (userId, order) => {
      // The store's query, its `?N` parameters written positionally as better-sqlite3 binds them.
      const values: unknown[] = [];
      const sql = sqliteListSql('sora_jobs', order).replace(/\?(\d+)/g, (_, n: string) => {
        values.push([userId, null, 21][Number(n) - 1]);
        return '?';
      });
      const plan = first.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as { detail: string }[];
      return plan.map((r) => r.detail).join('\n');
    },
    indexPlan: /SEARCH sora_jobs USING (COVERING )?INDEX sora_jobs_user_videos \(user_id=\? AND /,
    scanPlan: /SCAN|TEMP B-TREE/,
    close: async () => {
      for (const db of dbs) db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
