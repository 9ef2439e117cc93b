/**
 * Connection failures against a real redis-server that is absent, password-protected, or stopped mid-run:
 * each reported once per attempt with the URL (password masked) and the reason, never printed by a library
 * on its own; a producer gives up after `reconnectForMs`, a worker keeps trying and comes back.
 */
import { createServer } from 'node:net';
import { createSoraClient } from '@sora-kit/core';
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { type ConnectionProblem, QueueConnectionError, reconnectDelayMs } from './connection.js';
import { createVideoQueue } from './queue.js';
import { createVideoWorker } from './worker.js';

const servers: RunningRedis[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

/** A loopback port nothing listens on (taken, then released). */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const client = createSoraClient({ apiKey: 'sk-unused', baseUrl: 'http://127.0.0.1:9' });

describe('connection failures', () => {
  it('no Redis there: each attempt reported with a growing backoff, then a QueueConnectionError; the console stays quiet', async () => {
    const errors = vi.spyOn(console, 'error');
    const port = await closedPort();
    const problems: ConnectionProblem[] = [];
    const videos = createVideoQueue({
      connection: `redis://:hunter2@127.0.0.1:${port}/0`,
      reconnectForMs: 1200,
      onConnectionError: (p) => problems.push(p),
    });
    const failure = await videos.counts().catch((error: unknown) => error);
    await videos.close();
    expect(failure).toBeInstanceOf(QueueConnectionError);
    expect((failure as Error).message).toBe(
      `Redis at redis://:***@127.0.0.1:${port}/0: connection refused: nothing listens there (ECONNREFUSED).`,
    );
    expect(problems.length).toBeGreaterThanOrEqual(2);
    expect(problems.map((p) => p.attempt)).toEqual(problems.map((_, i) => i + 1));
    expect(problems[0]).toMatchObject({ code: 'ECONNREFUSED', auth: false, retryInMs: reconnectDelayMs(1) });
    // The last report has no next attempt: the producer gave up.
    expect(problems.at(-1)?.retryInMs).toBeUndefined();
    expect(JSON.stringify(problems)).not.toContain('hunter2');
    expect(errors).not.toHaveBeenCalled();
    errors.mockRestore();
    expect(reconnectDelayMs(1)).toBeLessThan(reconnectDelayMs(2));
    expect(reconnectDelayMs(30)).toBe(30_000);
  });

  it('a password-protected Redis: a wrong password and none at all are named as such', async () => {
    const redis = await startRedis({ password: 's3cret' });
    servers.push(redis);
    for (const [url, code] of [
      [`redis://:wrong@127.0.0.1:${redis.port}/0`, 'WRONGPASS'],
      [`redis://127.0.0.1:${redis.port}/0`, 'NOAUTH'],
    ] as const) {
      const problems: ConnectionProblem[] = [];
      const videos = createVideoQueue({
        connection: url,
        reconnectForMs: 600,
        onConnectionError: (p) => problems.push(p),
      });
      const failure = (await videos.counts().catch((error: unknown) => error)) as QueueConnectionError;
      await videos.close();
      expect(failure).toBeInstanceOf(QueueConnectionError);
      expect(failure).toMatchObject({ code, auth: true });
      expect(failure.message).not.toContain('wrong');
      expect(problems[0]).toMatchObject({ code, auth: true });
    }
    const right = createVideoQueue({ connection: redis.url, reconnectForMs: 600 });
    expect(await right.counts()).toMatchObject({ waiting: 0 });
    await right.close();
  });

  it('Redis stopped mid-run: a worker reports each attempt, keeps trying, and says when it is back', async () => {
    const redis = await startRedis();
    const problems: ConnectionProblem[] = [];
    let resolveBack: (info: { downMs: number }) => void = () => {};
    const back = new Promise<{ downMs: number }>((resolve) => {
      resolveBack = resolve;
    });
    let firstProblem: () => void = () => {};
    const down = new Promise<void>((resolve) => {
      firstProblem = resolve;
    });
    const worker = createVideoWorker({
      connection: redis.url,
      name: 'mid-run',
      client,
      onConnectionError: (p) => {
        problems.push(p);
        firstProblem();
      },
      onReconnected: resolveBack,
    });
    await worker.worker.waitUntilReady();
    await redis.stop();
    await down;
    expect(problems[0]).toMatchObject({ url: redis.url, attempt: 1 });
    const again = await startRedis({ port: redis.port });
    servers.push(again);
    expect((await back).downMs).toBeGreaterThan(0);
    // A worker never gives up: every report had a next attempt.
    expect(problems.every((p) => typeof p.retryInMs === 'number')).toBe(true);
    await worker.close(true);
  });

  it('a worker with Redis gone closes at once (nothing to hand back to)', async () => {
    const port = await closedPort();
    const worker = createVideoWorker({ connection: `redis://127.0.0.1:${port}/0`, name: 'gone', client });
    await new Promise((resolve) => worker.worker.once('error', resolve));
    await worker.close(true); // resolves: a hang would time the test out
  });
});
