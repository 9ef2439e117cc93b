/**
 * `sora-kit batch --queue` and `sora-kit worker` as real processes, on a real redis-server and the emulator:
 * the same jobs file enqueued twice adds nothing twice, two workers render every line once, the producer
 * follows them to the end, and `batch status` counts them.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CliProcess,
  creates,
  dir,
  emulator,
  env,
  jsonLines,
  probe,
  runCli,
  spawnCli,
  useSharedEmulator,
} from './support.js';

let redis: RunningRedis;
const workers: CliProcess[] = [];

useSharedEmulator({ jobSeconds: 1 });
beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  for (const w of workers) w.child.kill('SIGKILL');
  await redis?.stop();
});

describe('batch --queue and worker', () => {
  it('enqueue twice adds nothing twice; two workers render each line once; status counts them', async () => {
    const jobs = join(dir, 'jobs.jsonl');
    await writeFile(
      jobs,
      `${Array.from({ length: 12 }, (_, i) => JSON.stringify({ prompt: `queued tiger ${i}`, output: `t${i}.mp4` })).join('\n')}\n`,
    );
    const withQueue = { ...env, SORA_QUEUE_URL: redis.url };
    const name = ['--queue-name', 'cli-test'];

    const first = await runCli(['batch', jobs, '--queue', '--no-wait', '--json', ...name], {
      env: withQueue,
    });
    expect(first.code, first.stderr).toBe(0);
    expect(jsonLines(first.stdout).filter((l) => l.type === 'enqueued' && l.added)).toHaveLength(12);
    const second = await runCli(['batch', jobs, '--queue', redis.url, '--no-wait', ...name], {
      env: withQueue,
    });
    expect(second.code).toBe(0);
    expect(second.stderr).toMatch(/0 jobs added .*12 already there/);

    const outDir = join(dir, 'out');
    for (let i = 0; i < 2; i++) {
      const w = spawnCli(['worker', '--queue', '--concurrency', '5', '--out-dir', outDir, ...name], {
        env: withQueue,
      });
      workers.push(w);
      await w.waitFor(/Worker on redis:\/\/127\.0\.0\.1/, 30_000);
    }
    // Following from a third process: exits 0 once every line of the file has ended, all completed.
    const follow = await runCli(['batch', jobs, '--queue', ...name], { env: withQueue, timeoutMs: 120_000 });
    expect(follow.code, follow.stderr).toBe(0);
    expect(follow.stderr).toMatch(/12 completed, 0 failed/);

    expect((await readdir(outDir)).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `t${i}.mp4`).sort());
    const info = await probe(join(outDir, 't0.mp4'));
    expect(info.durationSeconds).toBeCloseTo(4, 0);
    expect(creates(emulator)).toHaveLength(12);

    const status = await runCli(['batch', 'status', '--queue', '--json', ...name], { env: withQueue });
    expect(jsonLines(status.stdout)).toEqual([
      expect.objectContaining({ type: 'counts', queue: 'cli-test', completed: 12, failed: 0, waiting: 0 }),
    ]);

    // Ctrl-C hands back and exits 0.
    const w = workers.pop() as CliProcess;
    w.child.kill('SIGINT');
    expect((await w.done).code).toBe(0);
  }, 120_000);

  it('refuses a --queue that is not a Redis URL before connecting, without echoing a password', async () => {
    const result = await runCli(['worker', '--queue', 'http://user:hunter2@example.com'], { env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/redis:\/\//);
    expect(result.stderr).not.toContain('hunter2');
  });
});
