// The shared-status suite (shared-status-suite.ts) on a real PostgreSQL 15: notices through LISTEN/NOTIFY,
// each instance with a pool of its own and a client that listens.
import { type RunningPostgres, startPostgres } from '@sora-kit/test-support/postgres';
import pg from 'pg';
import { createStatusHub } from '../src/index.js';
import { postgresStatusSchema, postgresStatusStore } from '../src/store/postgres.js';
import { describeSharedStatus } from './shared-status-suite.js';

let postgres: RunningPostgres;
const connections: { end(): Promise<void> }[] = [];

describeSharedStatus('PostgreSQL', {
  async start() {
    postgres = await startPostgres();
    const setup = new pg.Client({ connectionString: postgres.url });
    await setup.connect();
    await setup.query(postgresStatusSchema());
    await setup.end();
  },
  async hub() {
    const pool = new pg.Pool({ connectionString: postgres.url, max: 4 });
    const listener = new pg.Client({ connectionString: postgres.url });
    await listener.connect();
    connections.push(pool, listener);
    return createStatusHub({ store: postgresStatusStore(pool, { listener }) });
  },
  async stop() {
    for (const connection of connections) await connection.end();
    await postgres?.stop();
  },
});
