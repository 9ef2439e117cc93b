import { existsSync } from 'node:fs';
import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startPostgres } from './postgres-server.js';

const accepts = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = new Socket();
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1', () => {
      socket.destroy();
      resolve(true);
    });
  });

describe('startPostgres', () => {
  it('starts a throwaway PostgreSQL cluster on a free loopback port, and stop() ends and deletes it', async () => {
    const pg = await startPostgres();
    expect(pg.url).toBe(`postgres://postgres@127.0.0.1:${pg.port}/postgres`);
    expect(await accepts(pg.port)).toBe(true);
    expect(existsSync(pg.dir)).toBe(true);
    await pg.stop();
    expect(await accepts(pg.port)).toBe(false);
    expect(existsSync(pg.dir)).toBe(false);
  });
});
