/**
 * A real PostgreSQL 15 (Debian's `postgresql` package) for tests and benches: a throwaway cluster initdb'd
 * in a temp dir, started on a free loopback port with durability off (fsync), stopped and deleted after.
 * initdb refuses to run as root, so as root the cluster belongs to the `postgres` user (`runuser`).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './free-port.js';

const run = promisify(execFile);

/** Where Debian puts PostgreSQL's programs: 15's, else the newest there (override with `SORA_PG_BIN`). */
export const POSTGRES_BIN = process.env.SORA_PG_BIN ?? findBin();

function findBin(): string {
  const root = '/usr/lib/postgresql';
  if (existsSync(join(root, '15/bin/initdb')) || !existsSync(root)) return join(root, '15/bin');
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin/initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return join(root, versions[0] ?? '15', 'bin');
}

export interface RunningPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` (trust auth on loopback: no password). */
  url: string;
  port: number;
  /** The temp dir of the cluster (data, socket, log), deleted by `stop()`. */
  dir: string;
  stop(): Promise<void>;
}

/** Runs a PostgreSQL program as the cluster's owner: `postgres` when we are root, else ourselves. */
const asOwner = (program: string, args: string[]) => {
  const path = join(POSTGRES_BIN, program);
  return process.getuid?.() === 0 ? run('runuser', ['-u', 'postgres', '--', path, ...args]) : run(path, args);
};

/** initdb's a cluster in a temp dir and starts it on a free port (a few tries, if another takes the port). */
export async function startPostgres(): Promise<RunningPostgres> {
  const dir = await mkdtemp(join(tmpdir(), 'sora-pg-'));
  const data = join(dir, 'data');
  try {
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      await chown(dir, Number(stdout.trim()), Number(gid.trim()));
    }
    await asOwner('initdb', ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--no-sync']);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw new Error(
      `could not initdb PostgreSQL in ${dir}: ${(error as Error).message} (install it: apt-get install postgresql)`,
    );
  }
  let lastError = '';
  for (let attempt = 0; attempt < 5; attempt++) {
    const port = await freePort();
    const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60`;
    try {
      // -w: pg_ctl returns once the server accepts connections (an event, not a guessed delay).
      await asOwner('pg_ctl', ['-D', data, '-l', join(dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
    } catch (error) {
      lastError = (error as Error).message;
      continue;
    }
    return {
      url: `postgres://postgres@127.0.0.1:${port}/postgres`,
      port,
      dir,
      async stop() {
        await asOwner('pg_ctl', ['-D', data, '-m', 'immediate', '-w', 'stop']).catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`could not start PostgreSQL: ${lastError}`);
}
