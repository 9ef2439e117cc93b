// SQLite through better-sqlite3 12 (built from source here): one connection in this thread and two in
// worker threads (the built store, so `pnpm build` first), all on one WAL file, so the races contend for
// the file's write lock as processes of one machine do.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { sqliteDedupeStore, sqliteListSql, sqliteStore } from '../../src/store/sqlite.js';
import { describeJobStore } from './contract.js';
import { threadedSqlite } from './sqlite-threads.js';

describeJobStore('SQLite (better-sqlite3)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sora-sqlite-'));
  const file = join(dir, 'store.db');
  const first = new Database(file);
  first.pragma('journal_mode = WAL');
  const store = sqliteStore(first);
  await store.owns('', ''); // the tables exist before the threads open the file
  const threads = [threadedSqlite(file), threadedSqlite(file)];
  return {
    store,
    stores: threads.map((t) => t.store),
    startAnother: () => sqliteStore(first),
    dedupe: sqliteDedupeStore(first),
    dedupes: threads.map((t) => t.dedupe),
    explainList: async (userId, order, after) => {
      // The store's query, its `?N` parameters written positionally as better-sqlite3 binds them.
      const values: unknown[] = [];
      const sql = sqliteListSql('sora_jobs', order).replace(/\?(\d+)/g, (_, n: string) => {
        values.push([userId, after, 21][Number(n) - 1]);
        return '?';
      });
      const plan = first.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...values) as { detail: string }[];
      return plan.map((r) => r.detail).join('\n');
    },
    indexPlan: [
      /SEARCH sora_jobs USING (COVERING )?INDEX sora_jobs_user_videos \(user_id=\? AND /,
      /SEARCH c USING INDEX sqlite_autoindex_sora_jobs_1 \(id=\?\)/,
    ],
    scanPlan: /SCAN|TEMP B-TREE/,
    close: async () => {
      await Promise.all(threads.map((t) => t.close()));
      first.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
