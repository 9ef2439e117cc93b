// Cloudflare D1 in Miniflare 3 (real workerd and its SQLite): the store through D1's own API (prepare,
// bind, batch), two bindings' proxies sending their batches at once. D1 in Miniflare answers a call in
// tens of milliseconds, so the 10,000 jobs of the list case are seeded in bulk.
import { Miniflare } from 'miniflare';
import { sqliteDedupeStore, sqliteListSql, sqliteStore } from '../../src/store/sqlite.js';
import { describeJobStore } from './contract.js';

describeJobStore('Cloudflare D1 (Miniflare 3)', async () => {
  const mf = new Miniflare({
    modules: true,
    script: 'export default { fetch: () => new Response(null, { status: 404 }) }',
    compatibilityDate: '2024-09-23',
    d1Databases: ['DB'],
  });
  const [first, second] = [await mf.getD1Database('DB'), await mf.getD1Database('DB')];
  const store = sqliteStore(first);
  return {
    store,
    stores: [sqliteStore(second)],
    startAnother: () => sqliteStore(second),
    dedupe: sqliteDedupeStore(first),
    dedupes: [sqliteDedupeStore(second)],
    // 10,000 commits through Miniflare's proxy would take minutes: the rows go in 1,000 per statement.
    seedJobs: async (userId, jobs) => {
      await store.owns('', ''); // the store's first call creates its tables
      for (let i = 0; i < jobs.length; i += 1000) {
        await first
          .prepare(
            `INSERT INTO sora_jobs (id, user_id, kind, created_at)
             SELECT json_extract(value, '$.id'), ?1, 'video', json_extract(value, '$.createdAt') FROM json_each(?2)`,
          )
          .bind(userId, JSON.stringify(jobs.slice(i, i + 1000)))
          .run();
      }
    },
    explainList: async (userId, order, after) => {
      const plan = await first
        .prepare(`EXPLAIN QUERY PLAN ${sqliteListSql('sora_jobs', order)}`)
        .bind(userId, after, 21)
        .all<{ detail: string }>();
      return plan.results.map((r: { detail: string }) => r.detail).join('\n');
    },
    indexPlan: [
      /SEARCH sora_jobs USING (COVERING )?INDEX sora_jobs_user_videos \(user_id=\? AND /,
      /SEARCH c USING INDEX sqlite_autoindex_sora_jobs_1 \(id=\?\)/,
    ],
    scanPlan: /SCAN|TEMP B-TREE/,
    close: () => mf.dispose(),
  };
});
