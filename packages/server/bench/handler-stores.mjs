// The store on the hot path: every poll (`retrieve`) asks the store whether the user owns the id. The
// handler called in-process with a `Request` (its own work, no extra hop) in front of the emulator (own
// process), once per store, alternating call by call (the harness's `interleave`):
//   memory       memoryStore() (the baseline)
//   pglite       postgresStore over PGlite, in this process
//   postgres     postgresStore over a `pg` Pool to a real PostgreSQL 15 on loopback (own process)
//   redis        redisStore over ioredis to a real redis-server on loopback (own process)
//   … uncached   the same store asked on every poll (the handler remembers owned ids in-process; this is
//                what the first poll of a job on an instance costs)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { startPostgres } from '@sora-kit/test-support/postgres';
import { startRedis } from '@sora-kit/test-support/redis';
import { Redis } from 'ioredis';
import pg from 'pg';
import { interleave, startServer } from '../../../scripts/bench/harness.mjs';
import { createSoraHandler, memoryStore } from '../dist/index.js';
import { postgresStore } from '../dist/store/postgres.js';
import { redisStore } from '../dist/store/redis.js';
import { own } from './own.mjs';

const KEY = 'sk-bench-0123456789';
const MEMORY_MARK = Symbol.for('sora-kit.server.memory-store');
const EMULATOR = join(dirname(createRequire(import.meta.url).resolve('@sora-kit/emulator')), 'bin.js');

export async function measureHandlerStores({ blocks = 9, rounds = 100, warmup = 200 } = {}) {
  const closers = [];
  try {
    const emulator = await startServer(process.execPath, [
      EMULATOR,
      ...['--port', '0', '--api-key', KEY, '--quiet', '--job-seconds', '3600'],
    ]);
    closers.push(() => emulator.close());
    const { id } = await fetch(`${emulator.url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{"prompt":"bench"}',
    }).then((r) => r.json());

    const postgres = await startPostgres();
    closers.push(() => postgres.stop());
    const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
    closers.push(() => pool.end());
    const redisServer = await startRedis();
    closers.push(() => redisServer.stop());
    const redis = new Redis(redisServer.url);
    closers.push(() => redis.quit());
    const lite = new PGlite();
    closers.push(() => lite.close());

    const stores = {
      memory: memoryStore(),
      pglite: postgresStore(lite),
      postgres: postgresStore(pool),
      redis: redisStore(redis),
    };
    const contenders = {};
    const retrieve = (name, store) => {
      const handler = createSoraHandler({
        apiKey: KEY,
        baseUrl: emulator.url,
        store,
        authorize: () => ({ userId: 'bench' }),
      });
      contenders[name] = async () => {
        const response = await handler(new Request(`http://localhost/api/sora/v1/videos/${id}`));
        if (!response.ok) throw new Error(`${name}: retrieve answered ${response.status}`);
        return response.json();
      };
    };
    for (const [name, store] of Object.entries(stores)) {
      // A realistic table: the user's job among others of theirs and other users'.
      for (let u = 0; u < 20; u++) await own(store, `user${u}`, [`video_other_${u}_a`, `video_other_${u}_b`]);
      await own(store, 'bench', [id]);
      retrieve(name, store);
      // The first poll of a job on an instance (or every poll, were ownership not remembered): the store
      // asked each time. The memory marker is how the handler decides to skip its cache.
      if (name !== 'memory') retrieve(`${name} uncached`, { ...store, [MEMORY_MARK]: true });
    }
    const results = await interleave(contenders, { baseline: 'memory', blocks, rounds, warmup });
    return { blocks, rounds, ...results };
  } finally {
    for (const close of closers.reverse()) await close().catch(() => {});
  }
}
