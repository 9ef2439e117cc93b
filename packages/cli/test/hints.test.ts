/**
 * Hints that work when followed: every resume or next-step command the CLI prints is run here as printed,
 * word for word, as a real process (with only the environment the user had: the key, never the host).
 * Each carries the flags that chose the server (`--emulator`, `--base-url`).
 */
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LONG_ID_LENGTH, type LongIdServer, startLongIdServer } from './long-id-server.js';
import { dir, emulator, KEY, probe, runCli, spawnCli, useSharedEmulator } from './support.js';

// Jobs of 8 s: long enough that the command run right after a create (a `download` of the unfinished job, a
// 0.2 s `--timeout`, a Ctrl-C after "Created") finds it still rendering even on a loaded machine; each
// followed hint then waits out the rest of it.
useSharedEmulator({ jobSeconds: 8 });
vi.setConfig({ testTimeout: 120_000 });

/** The words of a printed `sora-kit …` command (the CLI quotes with single quotes only). */
function shellWords(command: string): string[] {
  const words: string[] = [];
  for (const [, quoted, bare] of command.matchAll(/'((?:[^']|'\\'')*)'|(\S+)/g))
    words.push(quoted !== undefined ? quoted.replaceAll(`'\\''`, `'`) : (bare as string));
  return words;
}

/** Finds the hint after `label` in the output, checks it is a sora-kit command, and runs it as printed. */
async function follow(output: string, label: RegExp, env: Record<string, string>) {
  const match = new RegExp(`${label.source}(sora-kit [^\\n]+?)\\.?$`, 'm').exec(output);
  expect(match, `no hint after ${label} in:\n${output}`).not.toBeNull();
  const [program, ...args] = shellWords(match![1]!);
  expect(program).toBe('sora-kit');
  return { command: match![1]!, result: await runCli(args, { env, cwd: dir, timeoutMs: 60_000 }) };
}

/** The key only: the host comes from the flags the hint carries, as for a user who never set SORA_BASE_URL. */
const keyOnly = () => ({ SORA_API_KEY: KEY });

describe('hints carry the server and work as printed', () => {
  it('generate --base-url … --no-wait → sora-kit wait <id> --base-url …', async () => {
    const made = await runCli(['generate', 'a red kite', '--base-url', emulator.url, '--no-wait'], {
      env: keyOnly(),
      cwd: dir,
    });
    expect(made.code, made.stderr).toBe(0);
    const { command, result } = await follow(made.stderr, /follow it with: /, keyOnly());
    expect(command).toContain(`--base-url ${emulator.url}`);
    expect(result.code, result.stderr).toBe(0);
    expect((await probe(join(dir, `${made.stdout.trim()}.mp4`))).durationSeconds).toBeCloseTo(4, 0);
  });

  it('generate --emulator --no-wait (a running sora-kit emulator) → sora-kit wait <id> --emulator', async () => {
    const server = spawnCli(['emulator', '--port', '0', '--job-seconds', '0.5']);
    await server.waitFor(/other sora-kit commands use it with --emulator/);
    try {
      const made = await runCli(['generate', '--emulator', 'x', '--no-wait', '-o', 'emulated.mp4'], {
        cwd: dir,
      });
      expect(made.code, made.stderr).toBe(0);
      const { command, result } = await follow(made.stderr, /follow it with: /, {});
      expect(command).toMatch(/^sora-kit wait video_\w+ --emulator$/);
      expect(result.code, result.stderr).toBe(0);
      expect(existsSync(join(dir, `${made.stdout.trim()}.mp4`))).toBe(true);
    } finally {
      server.child.kill('SIGINT');
      await server.done;
    }
  });

  it('generate --emulator --no-wait on the embedded emulator prints no wait that could not work', async () => {
    const made = await runCli(['generate', '--emulator', 'gone with the command', '--no-wait'], { cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).not.toMatch(/follow it with: sora-kit wait/);
    expect(made.stderr).toContain(
      'It was made on the embedded emulator, which stops with this command, and the job with it.',
    );
  });

  it('download of an unfinished job says to wait, and the wait it prints saves the video', async () => {
    const made = await runCli(['generate', 'a slow dawn', '--base-url', emulator.url, '--no-wait'], {
      env: keyOnly(),
      cwd: dir,
    });
    const id = made.stdout.trim();
    const early = await runCli(['download', id, '--base-url', emulator.url, '-o', 'dawn.mp4'], {
      env: keyOnly(),
      cwd: dir,
    });
    expect(early.code).toBe(1);
    expect(early.stderr).toContain(`${id} is not ready yet`);
    const { command, result } = await follow(early.stderr, /Wait for it and save it with: /, keyOnly());
    expect(command).toBe(`sora-kit wait ${id} --base-url ${emulator.url} --output dawn.mp4`);
    expect(result.code, result.stderr).toBe(0);
    expect((await stat(join(dir, 'dawn.mp4'))).size).toBeGreaterThan(0);
  });

  it('--timeout and Ctrl-C: the resume commands they print finish the job', async () => {
    const timedOut = await runCli(
      ['generate', 'a patient heron', '--base-url', emulator.url, '--timeout', '0.2', '-o', 'heron.mp4'],
      { env: keyOnly(), cwd: dir },
    );
    expect(timedOut.code).toBe(1);
    const resumed = await follow(timedOut.stderr, /resume with: /, keyOnly());
    expect(resumed.command).toContain(`--base-url ${emulator.url}`);
    expect(resumed.result.code, resumed.result.stderr).toBe(0);
    expect(existsSync(join(dir, 'heron.mp4'))).toBe(true);

    const running = spawnCli(['generate', 'an owl at dusk', '--base-url', emulator.url, '-o', 'owl.mp4'], {
      env: keyOnly(),
      cwd: dir,
    });
    await running.waitFor(/Created video_/);
    running.child.kill('SIGINT');
    const interrupted = await running.done;
    expect(interrupted.code).toBe(130);
    const again = await follow(interrupted.stderr, /Resume with: /, keyOnly());
    expect(again.result.code, again.result.stderr).toBe(0);
    expect(existsSync(join(dir, 'owl.mp4'))).toBe(true);
  });
});

describe('a server-chosen id of 256 characters', () => {
  let longIds: LongIdServer;
  beforeAll(async () => {
    longIds = await startLongIdServer(emulator.url);
  });
  afterAll(() => longIds.close());

  it('generate saves it under a shortened default name; the printed wait of --no-wait does the same', async () => {
    const env = { SORA_API_KEY: KEY, SORA_BASE_URL: longIds.url };
    const before = new Set(await readdir(dir));
    const made = await runCli(['generate', 'a very long id', '--json'], { env, cwd: dir });
    expect(made.code, made.stderr).toBe(0);
    const saved = (await readdir(dir)).filter((name) => !before.has(name));
    expect(saved).toHaveLength(1);
    expect(Buffer.byteLength(saved[0]!)).toBeLessThanOrEqual(240);
    expect(saved[0]).toMatch(/^video_[0-9a-f]{48}_x+-[0-9a-f]{16}\.mp4$/);

    const noWait = await runCli(['generate', 'another long id', '--no-wait'], { env, cwd: dir });
    expect(noWait.code, noWait.stderr).toBe(0);
    expect(noWait.stdout.trim()).toHaveLength(LONG_ID_LENGTH);
    const { result } = await follow(noWait.stderr, /follow it with: /, env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).not.toMatch(/ENAMETOOLONG|too long/);
  });
});
