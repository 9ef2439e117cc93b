// PostgreSQL in-process (PGlite, PostgreSQL 17 in WebAssembly): the store exactly as on a server, minus
// the network and the races (PGlite runs one statement at a time).
import { PGlite } from '@electric-sql/pglite';
import { listSql, postgresDedupeStore, postgresStore } from '../../src/store/postgres.js';
import { describeJobStore } from './contract.js';

describeJobStore('PGlite', async () => {
  const db = new PGlite();
  await db.waitReady; // starting the WebAssembly PostgreSQL takes seconds on a loaded machine
  // Two stores on one database: the second must find the schema there and not break it.
  const store = postgresStore(db);
  return {
    store,
    stores: [postgresStore(db)],
    startAnother: () => postgresStore(db),
    dedupe: postgresDedupeStore(db),
    dedupes: [postgresDedupeStore(db)],
    explainList: async (userId, order, after) => {
      const { rows } = await db.query<{ 'QUERY PLAN': string }>(`EXPLAIN ${listSql('sora_jobs', order)}`, [
        userId,
        after,
        21,
      ]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    },
    indexPlan: [
      /Index Scan(?: Backward)? using sora_jobs_user_videos/,
      /Index Scan using sora_jobs_pkey on sora_jobs c\b/,
    ],
    close: () => db.close(),
  };
});
