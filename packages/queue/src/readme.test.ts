/**
 * The README's snippet, run as written against a real redis-server and the emulator: it adds a job, renders it
 * with a worker, says what it did, and ends.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type RunningEmulator, startEmulator } from '@sora-kit/emulator';
import { type RunningRedis, startRedis } from '@sora-kit/test-support/redis';
import { afterAll, beforeAll, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = fileURLToPath(new URL('..', import.meta.url));
let redis: RunningRedis;
let emulator: RunningEmulator;
let work: string;
let script: string;

beforeAll(async () => {
  redis = await startRedis();
  emulator = await startEmulator({ jobSeconds: 0.5, quiet: true });
  work = await mkdtemp(join(tmpdir(), 'sora-queue-readme-'));
  // In the package's folder, so that `@sora-kit/queue` resolves to this package (a self-reference) and
  // `@sora-kit/core` to its dependency.
  script = join(packageDir, `.readme-snippet-${process.pid}.mjs`);
});
afterAll(async () => {
  await rm(script, { force: true });
  await rm(work, { recursive: true, force: true });
  await emulator?.close();
  await redis?.stop();
});

it('the README snippet adds a job, renders it, says what it did and exits', async () => {
  const readme = await readFile(join(packageDir, 'README.md'), 'utf8');
  const snippet = /```js\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(snippet, 'the README has a js block').toBeDefined();
  await writeFile(script, snippet!);
  const { stdout, stderr } = await run(process.execPath, [script], {
    cwd: work,
    timeout: 90_000,
    env: {
      ...process.env,
      SORA_QUEUE_URL: redis.url,
      SORA_API_KEY: 'sk-readme',
      SORA_BASE_URL: emulator.url,
    },
  });
  expect(stderr).toBe('');
  const said = /^(sv-\w+): (video_\w+) saved to (.+tiger\.mp4)$/m.exec(stdout);
  expect(said, stdout).not.toBeNull();
  expect(said![3]).toBe(join(work, 'videos', 'tiger.mp4'));
  expect((await stat(said![3]!)).size).toBeGreaterThan(0);
});
