/**
 * A create is paid for: `generate`, `remix`, `wait` and `download` check for real that they can write the
 * output before their first request (the emulator's log shows no create), and any failure after a create
 * names the job and the exact command that finishes it, even with `--quiet`.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdir, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CLI,
  creates,
  dir,
  emulator,
  env,
  envFor,
  failEveryPoll,
  jsonLines,
  runCli,
  spawnCli,
  testEmulator,
  useSharedEmulator,
} from './support.js';

useSharedEmulator({ jobSeconds: 0.4 });
beforeAll(async () => {
  await writeFile(join(dir, 'afile.txt'), 'notes');
});

/** Runs `generate` and checks that it was refused (exit 2) before any request. */
async function refusedBeforeCreate(
  args: string[],
  message: RegExp,
  options: Parameters<typeof runCli>[1] = {},
) {
  const result = await runCli(['generate', 'a tiger', ...args], { env, cwd: dir, ...options });
  expect(result.stderr).toMatch(message);
  expect(result.code).toBe(2);
  expect(creates(emulator)).toEqual([]);
  expect(emulator.requests()).toEqual([]);
  return result;
}

/** Whether this machine can run the CLI as `nobody` (it needs setpriv and a readable checkout). */
function canRunAsNobody(): boolean {
  if (process.getuid?.() !== 0) return false;
  try {
    execFileSync(
      'setpriv',
      ['--reuid=65534', '--regid=65534', '--clear-groups', '--', process.execPath, CLI, '--version'],
      {
        stdio: 'ignore',
      },
    );
    return true;
  } catch {
    return false;
  }
}

describe('an output that cannot be written is refused before the create', () => {
  it('a folder that does not accept files (/proc)', async () => {
    await refusedBeforeCreate(['-o', '/proc/x.mp4'], /Cannot save to '\/proc\/x\.mp4': /);
  });

  it('a path through a file says that part is a file, not that the folder cannot be made', async () => {
    await refusedBeforeCreate(
      ['-o', 'afile.txt/x.mp4'],
      /Cannot save to 'afile\.txt\/x\.mp4': 'afile\.txt' is a file, not a folder\./,
    );
    await refusedBeforeCreate(['-o', 'afile.txt/deeper/x.mp4'], /'afile\.txt' is a file, not a folder/);
    // The default name in a folder given with a trailing slash: the same check.
    await refusedBeforeCreate(['-o', 'afile.txt/'], /'afile\.txt' is a file, not a folder/);
  });

  it('a name too long for the file system (its temporary file is longer still)', async () => {
    const long = `${'n'.repeat(245)}.mp4`; // fits 255 bytes, its `.<name>.<8 hex>.part` does not
    await refusedBeforeCreate(['-o', long], /the file name is too long for this file system/);
  });

  it.skipIf(!canRunAsNobody())(
    'a read-only folder, as a user who may not write there (setpriv nobody)',
    async () => {
      const home = join(dir, 'nobody');
      await mkdir(join(home, 'ro'), { recursive: true });
      await chmod(dir, 0o755);
      await chmod(home, 0o777);
      await chmod(join(home, 'ro'), 0o555);
      const result = await refusedBeforeCreate(
        ['-o', 'ro/x.mp4'],
        /Cannot save to 'ro\/x\.mp4': permission denied/,
        {
          cwd: home,
          prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'],
        },
      );
      expect(result.stderr).not.toContain('Unexpected error');
      expect(await readdir(join(home, 'ro'))).toEqual([]);
      // The default output goes to the current folder: a read-only one is refused the same way.
      const here = await runCli(['generate', 'a tiger'], {
        env,
        cwd: join(home, 'ro'),
        prefix: ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', '--'],
      });
      expect(here.code).toBe(2);
      expect(here.stderr).toMatch(/permission denied/);
      expect(creates(emulator)).toEqual([]);
    },
  );

  it('remix, wait and download check too, before their request', async () => {
    const made = await runCli(['generate', 'a lighthouse', '--no-wait'], { env, cwd: dir });
    const id = made.stdout.trim();
    await runCli(['wait', id, '--no-download'], { env, cwd: dir });
    emulator.clearRequests();
    for (const args of [
      ['remix', id, 'at night', '-o', '/proc/remix.mp4'],
      ['wait', id, '-o', 'afile.txt/x.mp4'],
      ['download', id, '-o', '/proc/x.mp4'],
      ['download', id, '--variant', 'thumbnail', '-o', 'afile.txt/'],
    ]) {
      const result = await runCli(args, { env, cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/Cannot save to '/);
    }
    expect(emulator.requests()).toEqual([]);
  });
});

describe('whitespace-only prompts are refused like empty ones', () => {
  it('generate and remix, before any request', async () => {
    for (const args of [
      ['generate', '   '],
      ['generate', ' \t\n '],
      ['remix', 'video_123', '  '],
    ]) {
      const result = await runCli(args, { env, cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(/Invalid value for 'prompt'.*not only whitespace/);
    }
    const json = await runCli(['generate', '  ', '--json'], { env, cwd: dir });
    expect(jsonLines(json.stdout)).toEqual([
      {
        type: 'error',
        exit_code: 2,
        error: expect.objectContaining({ code: 'invalid_value', param: 'prompt' }),
      },
    ]);
    const stdin = await runCli(['generate', '-'], { env, cwd: dir, input: '  \n\n ' });
    expect(stdin.code).toBe(2);
    expect(emulator.requests()).toEqual([]);
  });
});

describe('a failure after the create names the job and the command that finishes it', () => {
  it('also with --quiet; the printed command then saves the video', async () => {
    // Every poll fails (after core's retries): the job exists, the command cannot follow it.
    failEveryPoll(emulator);
    const result = await runCli(['generate', 'a tiger', '-q', '-o', 'finished.mp4'], { env, cwd: dir });
    emulator.faults.clear();
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(creates(emulator)).toHaveLength(1);
    const match = /Finish it with: (sora-kit wait (video_\w+) --output finished\.mp4)$/m.exec(result.stderr);
    expect(match, result.stderr).not.toBeNull();
    expect(result.stderr).toContain(`The job ${match![2]} exists on the server`);

    const finished = await runCli(match![1]!.split(' ').slice(1), { env, cwd: dir });
    expect(finished.code, finished.stderr).toBe(0);
    expect((await stat(join(dir, 'finished.mp4'))).size).toBeGreaterThan(1000);
    expect(creates(emulator)).toHaveLength(1); // finished, not created again
  });

  it('--json: the error line carries the id and the hint', async () => {
    failEveryPoll(emulator);
    const result = await runCli(['generate', 'a tiger', '--json'], { env, cwd: dir });
    emulator.faults.clear();
    expect(result.code).toBe(1);
    const lines = jsonLines(result.stdout);
    const id = lines[0]!.id as string;
    expect(lines.at(-1)).toMatchObject({
      type: 'error',
      exit_code: 1,
      id,
      error: { hint: expect.stringContaining(`sora-kit wait ${id}`) },
    });
  });

  it('an output that appeared while the job ran: the id, and the job is not lost', async () => {
    const slow = await testEmulator({ jobSeconds: 2 });
    const running = spawnCli(['generate', 'a tiger', '-o', 'appeared.mp4'], { env: envFor(slow), cwd: dir });
    await running.waitFor(/Created video_\w+/);
    await writeFile(join(dir, 'appeared.mp4'), 'someone else');
    const result = await running.done;
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The output file 'appeared\.mp4' exists; pass --force to overwrite it/);
    expect(result.stderr).toMatch(/Finish it with: sora-kit wait video_\w+ --output appeared\.mp4/);
  });
});
