// The job stores' per-call cost, each against the memory store in the same run (the harness's
// `interleave`: contenders alternate call by call in blocks): PGlite in this process, a real PostgreSQL 15
// and a real redis-server on loopback (started here, stopped after). Figures:
//   owns                       one ownership check (the handler's every read of a job)
//   reserve + commit + finish  a job's whole ledger life (the handler's admission, plus its end)
//   list page                  20 ids after a cursor in the middle of one user's 10,000 jobs
import { PGlite } from '@electric-sql/pglite';
import { startPostgres } from '@sora-kit/test-support/postgres';
import { startRedis } from '@sora-kit/test-support/redis';
import { Redis } from 'ioredis';
import pg from 'pg';
import { interleave } from '../../../scripts/bench/harness.mjs';
import { memoryStore } from '../dist/store/memory.js';
import { postgresStore } from '../dist/store/postgres.js';
import { redisStore } from '../dist/store/redis.js';

const JOBS = 10_000;

export async function measureStores({ blocks = 9, rounds = 150, warmup = 100 } = {}) {
  const postgres = await startPostgres();
  const redisServer = await startRedis();
  const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
  const pglite = new PGlite();
  const redis = new Redis(redisServer.url);
  try {
    const stores = {
      memory: memoryStore(),
      PGlite: postgresStore(pglite),
      PostgreSQL: postgresStore(pool),
      Redis: redisStore(redis),
    };
    const names = Object.keys(stores);
    const each = (call) => Object.fromEntries(names.map((name) => [name, () => call(stores[name])]));

    // One user's 10,000 jobs in every store (the owns and list figures read them).
    const ids = Array.from({ length: JOBS }, (_, i) => `video_${String(i).padStart(5, '0')}`);
    const createdAt = 1_800_000_000_000;
    for (const store of Object.values(stores)) {
      let next = 0;
      await Promise.all(
        Array.from({ length: 4 }, async () => {
          for (let i = next++; i < JOBS; i = next++) {
            await store.commit(`seed-${i}`, {
              userId: 'bench',
              id: ids[i],
              kind: 'video',
              createdAt: createdAt + i,
            });
          }
        }),
      );
    }

    // The seeded jobs end, and a reserve drops their ledger entries: the memory store's reserve walks its
    // whole ledger, and 10,000 entries of another user would slow the baseline of the figures below.
    for (const store of Object.values(stores)) {
      for (const id of ids) await store.finish(id);
      await store.reserve({
        userId: 'bench',
        kind: 'character',
        limits: { maxInFlight: 1, maxPerWindow: 1, windowMs: 1 },
        now: Date.now(),
        ttlMs: 1,
      });
    }

    let probe = 0;
    const owns = await interleave(
      each((store) => store.owns('bench', ids[probe++ % JOBS])),
      { baseline: 'memory', blocks, rounds, warmup },
    );

    // Users in rotation and a short window, so each user's ledger stays small as it would in use.
    const limits = { maxInFlight: 1_000_000, maxPerWindow: 1_000_000, windowMs: 50 };
    let job = 0;
    const life = async (store) => {
      const n = job++;
      const userId = `user-${n % 50}`;
      const now = Date.now();
      const r = await store.reserve({ userId, kind: 'video', limits, now, ttlMs: 60_000 });
      if (!r.ok) throw new Error(`reserve refused: ${JSON.stringify(r)}`);
      const id = `life_${n}`;
      await store.commit(r.reservation, { userId, id, kind: 'video', createdAt: now });
      await store.finish(id);
    };
    const admission = await interleave(each(life), { baseline: 'memory', blocks, rounds, warmup });

    const after = ids[JOBS / 2];
    const page = async (store) => {
      const { ids: got } = await store.list('bench', { after, limit: 20, order: 'desc' });
      if (got.length !== 20) throw new Error(`a list page of ${got.length}`);
    };
    const list = await interleave(each(page), { baseline: 'memory', blocks, rounds: 50, warmup: 20 });
    return { blocks, rounds, owns, admission, list };
  } finally {
    await pool.end();
    await pglite.close();
    await redis.quit();
    await Promise.all([postgres.stop(), redisServer.stop()]);
  }
}
