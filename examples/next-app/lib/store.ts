import type { WebhookDedupeStore } from '@sora-kit/core';
import type { JobStore } from '@sora-kit/server';
import { postgresDedupeStore, postgresStore } from '@sora-kit/server/postgres';

/** Where the app keeps who owns which job, what each user has spent, and which webhooks it has handled. */
export interface Storage {
  jobs: JobStore;
  dedupe: WebhookDedupeStore;
}

/** The smallest query interface both PGlite and `pg` satisfy. */
interface Db {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

// One per process, on globalThis: the API route and the webhook route are separate bundles and must share
// the database (a second PGlite on the same folder would corrupt it), and `next dev` re-evaluates modules.
const SLOT = Symbol.for('sora-kit.example-next-app.storage');
const slot = globalThis as { [SLOT]?: Promise<Storage> };

/**
 * The app's storage, opened once per process:
 *
 * - `DATABASE_URL` set: PostgreSQL through a `pg` Pool (several instances of the app can share it);
 * - unset: PGlite (Postgres compiled to WebAssembly, in this process) in `SORA_DATA_DIR`, default `.data/`
 *   under the app: nothing to install, and jobs survive a restart. One process per folder.
 */
export function storage(): Promise<Storage> {
  slot[SLOT] ??= open().catch((error: unknown) => {
    slot[SLOT] = undefined; // the next request tries again
    throw error;
  });
  return slot[SLOT];
}

async function open(): Promise<Storage> {
  const db = await database();
  return { jobs: postgresStore(db), dedupe: postgresDedupeStore(db) };
}

async function database(): Promise<Db> {
  const url = process.env.DATABASE_URL;
  if (url) {
    // Imported only here: without DATABASE_URL the driver is never loaded.
    const { default: pg } = await import('pg');
    return new pg.Pool({ connectionString: url, max: 10 });
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { join } = await import('node:path');
  const { mkdir } = await import('node:fs/promises');
  const dir = process.env.SORA_DATA_DIR || join(process.cwd(), '.data');
  // PGlite makes its own folder but not the ones above it: a fresh clone has no `.data/` yet.
  await mkdir(dir, { recursive: true });
  const db = new PGlite(join(dir, 'pglite'));
  await db.waitReady;
  return db;
}
