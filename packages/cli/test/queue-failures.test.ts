/**
 * The queue commands when Redis is absent, refuses the password, or goes away mid-run, against a real
 * redis-server: `batch --queue` says where and why in one line and exits 1; `worker` says so once per
 * reconnect attempt with its backoff and keeps trying; SIGTERM stops both at once. Never a stack trace,
 * never a password.
 */
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliProcess,
  creates,
  dir,
  emulator,
  env,
  runCli,
  spawnCli,
  useSharedEmulator,
} from './support.js';

useSharedEmulator({ jobSeconds: 20 });

const STACK = /^\s+at /m;
const redises: RunningRedis[] = [];
const workers: CliProcess[] = [];
let jobs: string;

beforeAll(async () => {
  jobs = join(dir, 'jobs.jsonl');
  await writeFile(jobs, `${JSON.stringify({ prompt: 'a queued heron', output: 'heron.mp4' })}\n`);
});
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  for (const r of redises) await r.stop();
});

/** A loopback port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

/** The non-empty lines of a stream. */
const linesOf = (text: string) => text.split('\n').filter((line) => line.trim() !== '');

// Each refused run retries for 5 s before it says so: a few of them take longer than vitest's 30 s default.
describe('batch --queue: one line, exit 1', () => {
  it('no Redis there: the URL with its password masked, the reason; no stack', async () => {
    const port = await closedPort();
    const result = await runCli(['batch', jobs, '--queue', `redis://:hunter2@127.0.0.1:${port}/0`], { env });
    expect(result.code).toBe(1);
    expect(linesOf(result.stderr)).toEqual([
      `error: Cannot use the queue's Redis at redis://:***@127.0.0.1:${port}/0: connection refused: nothing listens there (ECONNREFUSED); gave up after 5 s of retries (is Redis running there?).`,
    ]);
    expect(result.stderr).not.toContain('hunter2');
    expect(result.stderr).not.toMatch(STACK);
  }, 90_000);

  it('a password-protected Redis: a wrong password, and none', async () => {
    const redis = await startRedis({ password: 's3cret' });
    redises.push(redis);
    const wrong = await runCli(['batch', 'status', '--queue', `redis://:nope@127.0.0.1:${redis.port}/0`], {
      env,
    });
    expect(wrong.code).toBe(1);
    expect(linesOf(wrong.stderr)).toEqual([
      expect.stringMatching(
        /^error: Cannot use the queue's Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:\d+\/0: Redis refused the user name or password \(WRONGPASS\); .*check the password in --queue/,
      ),
    ]);
    expect(wrong.stderr).not.toContain('nope');
    const none = await runCli(['batch', jobs, '--queue', `redis://127.0.0.1:${redis.port}/0`], { env });
    expect(none.code).toBe(1);
    expect(linesOf(none.stderr)).toEqual([
      expect.stringMatching(/Redis needs a password, and none was given \(NOAUTH\)/),
    ]);
    // And with it, the same command works.
    const right = await runCli(['batch', 'status', '--queue', '--json'], {
      env: { ...env, SORA_QUEUE_URL: redis.url },
    });
    expect(right.code, right.stderr).toBe(0);
    expect(creates(emulator)).toHaveLength(0);
  }, 90_000);
});

describe('worker: a daemon that keeps trying', () => {
  it('no Redis there: one line per attempt with a growing backoff, no stack; SIGTERM ends it at once', async () => {
    const port = await closedPort();
    const worker = spawnCli(['worker', '--queue', `redis://:hunter2@127.0.0.1:${port}/0`], { env });
    workers.push(worker);
    await worker.waitFor(/attempt 3\)/, 30_000);
    const attempts = [...worker.stderr.matchAll(/retrying in ([\d.]+) s \(attempt (\d+)\)/g)];
    expect(attempts.map((m) => Number(m[2]))).toEqual(attempts.map((_, i) => i + 1));
    const delays = attempts.map((m) => Number(m[1]));
    expect(delays[1]).toBeGreaterThan(delays[0]!);
    expect(linesOf(worker.stderr)[0]).toBe(
      `queue: Redis at redis://:***@127.0.0.1:${port}/0: connection refused: nothing listens there (ECONNREFUSED); retrying in 0.5 s (attempt 1).`,
    );
    worker.child.kill('SIGTERM');
    const end = await worker.done;
    expect(end).toMatchObject({ code: 0, signal: null });
    expect(end.stderr).not.toMatch(STACK);
    expect(end.stderr).not.toContain('hunter2');
  });

  it('Redis stopped mid-run: the worker reports and comes back, the follower gives up in one line; SIGTERM stops the worker', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const queue = { ...env, SORA_QUEUE_URL: redis.url };
    // --json: its progress events (on stdout) say when the job's video exists.
    const worker = spawnCli(['worker', '--queue', '--out-dir', join(dir, 'out'), '--json'], { env: queue });
    workers.push(worker);
    await worker.waitFor(/"type":"ready"/, 30_000);
    const follower = spawnCli(['batch', jobs, '--queue'], { env: queue });
    await follower.waitFor(/Following the jobs/, 30_000);
    await worker.waitFor(/"type":"progress".*"videoId":"video_/, 30_000);

    await redis.stop();
    await worker.waitFor(/queue: Redis at redis:\/\/127\.0\.0\.1:\d+\/0: .*retrying in/, 30_000);
    const followed = await follower.done;
    expect(followed.code).toBe(1);
    const said = linesOf(followed.stderr);
    expect(said.filter((line) => /Redis/.test(line))).toEqual([
      expect.stringMatching(
        /^error: Cannot use the queue's Redis at redis:\/\/127\.0\.0\.1:\d+\/0: .*gave up after 5 s/,
      ),
    ]);
    expect(followed.stderr).not.toMatch(STACK);

    redises.push(await startRedis({ port: redis.port }));
    await worker.waitFor(/"type":"connected","url":"redis:\/\/127\.0\.0\.1:\d+\/0"/, 60_000);
    worker.child.kill('SIGTERM');
    const end = await worker.done;
    expect(end.code).toBe(0);
    expect(end.stderr).not.toMatch(STACK);
    expect(creates(emulator)).toHaveLength(1);
  }, 120_000);

  it('SIGTERM while following: the follower stops at once and says how to follow again', async () => {
    const redis = await startRedis();
    redises.push(redis);
    const follower = spawnCli(['batch', jobs, '--queue', redis.url, '--queue-name', 'sigterm'], { env });
    await follower.waitFor(/Following the jobs/, 30_000);
    follower.child.kill('SIGTERM');
    const end = await follower.done;
    expect(end.code).toBe(130);
    expect(end.stderr).toContain(
      `Stopped following: 0 completed, 0 failed, 1 still running. The jobs stay queued and the workers carry on; follow them again with: sora-kit batch ${jobs} --queue ${redis.url} --queue-name sigterm`,
    );
  });
});
