/**
 * `sora-kit emulator` (the emulator's own command line, in sora-kit's words) and `--emulator`: a running
 * `sora-kit emulator` is found by every other command; without one, `generate` and `batch` start their
 * own and the commands about an existing job say how to start one.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { dir, jsonLines, probe, runCli, STATE_HOME, spawnCli, useWorkDir } from './support.js';

const stateDir = join(STATE_HOME, 'sora-kit', 'emulators');
useWorkDir();

describe('sora-kit emulator', () => {
  it('passes its flags to sora-emulator, serves the API, and stops on Ctrl-C', async () => {
    const server = spawnCli(['emulator', '--port', '0', '--job-seconds', '0.3', '--api-key', 'emulated-key']);
    const [, url] = await server.waitFor(/^sora-emulator listening on (http:\/\/127\.0\.0\.1:\d+)$/m);
    const result = await runCli(['generate', 'a tiger', '--json', '-o', 'from-emulator.mp4'], {
      env: { SORA_API_KEY: 'emulated-key', SORA_BASE_URL: url! },
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({ status: 'completed' });
    server.child.kill('SIGINT');
    expect((await server.done).code).toBe(0);
  });

  it('speaks sora-kit: its help says `sora-kit emulator`, -V is the version, -v logs requests', async () => {
    const help = await runCli(['emulator', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: sora-kit emulator \[options\]/);
    expect(help.stdout).not.toContain('sora-emulator [options]');
    expect(help.stdout).toMatch(/^ {2}--version, -V {2,}show the version$/m);
    expect(help.stdout).toMatch(/^ {2}--log-requests, -v {2,}print one line per request/m);
    expect(help.stdout).toContain('every sora-kit command reaches it with --emulator');
    expect((await runCli(['emulator', '-h'])).stdout).toBe(help.stdout);

    const version = await runCli(['emulator', '-V']);
    expect(version.code).toBe(0);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+\n$/);

    const verbose = spawnCli(['emulator', '--port', '0', '-v']);
    const [, url] = await verbose.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
    await fetch(`${url}/v1/videos`, { headers: { authorization: 'Bearer any' } });
    await verbose.waitFor(/GET \/v1\/videos/);
    verbose.child.kill('SIGINT');
    await verbose.done;

    const bad = await runCli(['emulator', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--bogus'");
  });
});

describe('--emulator finds a running sora-kit emulator', () => {
  // Nine processes in a row: more than vitest's 30 s default on a loaded 2-core machine.
  it('status, list, wait, download, remix and delete see the job that generate made', async () => {
    const server = spawnCli(['emulator', '--port', '0', '--job-seconds', '0.3', '--api-key', 'sk-local']);
    await server.waitFor(/other sora-kit commands use it with --emulator/);
    // Its record is private to the user: it holds the key.
    const [record] = await readdir(stateDir);
    expect(record).toMatch(/^\d+\.json$/); // named by the emulator's pid
    expect((await stat(join(stateDir, record!))).mode & 0o777).toBe(0o600);
    expect((await stat(stateDir)).mode & 0o777).toBe(0o700);

    const created = await runCli(['generate', '--emulator', 'a tiger', '--no-wait'], { cwd: dir });
    expect(created.code, created.stderr).toBe(0);
    expect(created.stderr).toMatch(
      /Using the running sora-kit emulator at http:\/\/127\.0\.0\.1:\d+ \(pid \d+\)/,
    );
    const id = created.stdout.trim();
    expect(id).toMatch(/^video_\w+$/);

    const status = await runCli(['status', id, '--emulator'], { cwd: dir });
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(id);
    const list = await runCli(['list', '--emulator', '--json'], { cwd: dir });
    expect(jsonLines(list.stdout).map((v) => v.id)).toContain(id);
    const waited = await runCli(['wait', id, '--emulator', '-o', 'kept.mp4'], { cwd: dir });
    expect(waited.code, waited.stderr).toBe(0);
    expect(await probe(join(dir, 'kept.mp4'))).toMatchObject({ codecName: 'h264' });
    const thumb = await runCli(['download', id, '--emulator', '--variant', 'thumbnail', '-o', 'kept.webp'], {
      cwd: dir,
    });
    expect(thumb.code, thumb.stderr).toBe(0);
    const remix = await runCli(['remix', id, 'at night', '--emulator', '--no-wait'], { cwd: dir });
    expect(remix.code, remix.stderr).toBe(0);
    const deleted = await runCli(['delete', id, '--emulator'], { cwd: dir });
    expect(deleted.code, deleted.stderr).toBe(0);

    // --job-seconds belongs to the emulator a command starts itself: with a running one it is ignored, and said.
    const ignored = await runCli(['generate', '--emulator', '--job-seconds', '9', 'x', '--no-wait'], {
      cwd: dir,
    });
    expect(ignored.code).toBe(0);
    expect(ignored.stderr).toMatch(/--job-seconds is ignored: the running emulator sets its own/);

    server.child.kill('SIGINT');
    expect((await server.done).code).toBe(0);
    expect(await readdir(stateDir)).toEqual([]); // its record went with it
  }, 120_000);

  it('without one: commands about an existing job say how to start it; a dead record is ignored', async () => {
    // A record left by an emulator killed outright: its process is gone.
    await writeFile(
      join(stateDir, '999999999.json'),
      JSON.stringify({ pid: 999_999_999, url: 'http://127.0.0.1:9', api_key: null, started_at: Date.now() }),
    );
    for (const args of [['status', 'video_123'], ['list'], ['wait', 'video_123'], ['delete', 'video_123']]) {
      const result = await runCli([...args, '--emulator'], { cwd: dir });
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toContain('--emulator: no running `sora-kit emulator` was found');
      expect(result.stderr).toContain('  sora-kit emulator');
    }
    expect(await readdir(stateDir)).toEqual([]);
  });

  it('generate --emulator without one runs its own emulator, inside the command', async () => {
    const result = await runCli(
      [
        'generate',
        '--emulator',
        '--job-seconds',
        '0.5',
        'a tiger',
        '--size',
        '1280x720',
        '-o',
        'embedded.mp4',
      ],
      { cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(
      /Using the embedded emulator at http:\/\/127\.0\.0\.1:\d+ \(jobs take 0\.5 s/,
    );
    expect(result.stderr).toContain('run `sora-kit emulator` in another terminal');
    expect(await probe(join(dir, 'embedded.mp4'))).toMatchObject({ width: 1280, height: 720 });
  });
});

describe('--job-seconds', () => {
  it('is refused without --emulator, and shown only where it applies', async () => {
    const result = await runCli(['generate', 'a tiger', '--job-seconds', '2'], {
      cwd: dir,
      env: { SORA_API_KEY: 'sk-x', SORA_BASE_URL: 'http://127.0.0.1:9' },
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /--job-seconds sets how long a job takes on the emulator that --emulator starts/,
    );
    for (const command of ['status', 'list', 'download', 'wait', 'delete', 'remix']) {
      const help = await runCli([command, '--help']);
      expect(help.stdout, command).not.toContain('--job-seconds');
      expect(help.stdout, command).toMatch(/--emulator +use the running `sora-kit emulator`/);
    }
    expect((await runCli(['generate', '--help'])).stdout).toContain('--job-seconds');
    expect((await runCli(['batch', '--help'])).stdout).toContain('--job-seconds');
    const status = await runCli(['status', 'video_1', '--job-seconds', '2']);
    expect(status.code).toBe(2);
    expect(status.stderr).toContain("unknown option '--job-seconds'");
  });
});
