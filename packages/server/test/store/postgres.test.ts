// A real PostgreSQL 15 on loopback through `pg`: stores over separate pools, so the 30 reserves and the
// 20 dedupe adds race on different connections, as instances of an app do.
import { type RunningPostgres, startPostgres } from '@sora-kit/test-support/postgres';
import pg from 'pg';
import { listSql, postgresDedupeStore, postgresStore } from '../../src/store/postgres.js';
import { describeJobStore } from './contract.js';

describeJobStore('PostgreSQL 15 (pg pools)', async () => {
  const server: RunningPostgres = await startPostgres();
  const pools = [1, 2, 3].map(() => new pg.Pool({ connectionString: server.url, max: 8 }));
  const [first, ...others] = pools as [pg.Pool, ...pg.Pool[]];
  let started = 0;
  return {
    store: postgresStore(first),
    stores: others.map((pool) => postgresStore(pool)),
    startAnother: () => postgresStore(pools[started++ % pools.length] as pg.Pool),
    dedupe: postgresDedupeStore(first),
    dedupes: others.map((pool) => postgresDedupeStore(pool)),
    explainList: async (userId, order, after) => {
      await first.query('ANALYZE sora_jobs');
      const { rows } = await first.query(`EXPLAIN ${listSql('sora_jobs', order)}`, [userId, after, 21]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    },
    indexPlan: [
      /Index Scan(?: Backward)? using sora_jobs_user_videos/,
      /Index Scan using sora_jobs_pkey on sora_jobs c\b/,
    ],
    close: async () => {
      await Promise.all(pools.map((pool) => pool.end()));
      await server.stop();
    },
  };
});
