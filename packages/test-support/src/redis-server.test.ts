import { Socket } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRedis } from './redis-server.js';

/** Sends one inline command and answers the first reply line. */
const command = (port: number, line: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = new Socket();
    socket.once('error', reject);
    socket.connect(port, '127.0.0.1', () => socket.write(`${line}\r\n`));
    socket.once('data', (data) => {
      socket.destroy();
      resolve(data.toString().split('\r\n')[0]!);
    });
  });

describe('startRedis', () => {
  it('starts a real redis-server on a free loopback port, and stop() ends it', async () => {
    const redis = await startRedis();
    expect(redis.url).toBe(`redis://127.0.0.1:${redis.port}/0`);
    expect(await command(redis.port, 'SET a 1')).toBe('+OK');
    expect(await command(redis.port, 'GET a')).toBe('$1');
    await redis.stop();
    await expect(command(redis.port, 'PING')).rejects.toThrow(/ECONNREFUSED/);
  });

  it('with a password: PING needs AUTH; started again on the same port', async () => {
    const redis = await startRedis({ password: 's3cret' });
    expect(redis.url).toBe(`redis://:s3cret@127.0.0.1:${redis.port}/0`);
    expect(await command(redis.port, 'PING')).toMatch(/^-NOAUTH/);
    await redis.stop();
    const again = await startRedis({ port: redis.port });
    expect(again.port).toBe(redis.port);
    expect(await command(again.port, 'PING')).toBe('+PONG');
    await again.stop();
  });
});
