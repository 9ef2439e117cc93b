/**
 * A hostile server (and a hostile jobs file) fill ids, statuses, prompts and error messages with terminal
 * escapes. The built CLI must print all of it escaped, on a terminal and in a plain log, in every
 * human-readable output (status, list, errors, progress, the batch display); `--json` stays exact.
 */
import { execFile } from 'node:child_process';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  EVIL,
  EVIL_TEXT,
  evilVideo,
  type HostileServer,
  RAW_CONTROL,
  startHostileServer,
} from './hostile-server.js';
import { CLI, checkAllOutputsForKey, jsonLines, KEY, type RunResult, runCli, tempDir } from './support.js';

let server: HostileServer;
let env: Record<string, string>;
let dir: string;

beforeAll(async () => {
  server = await startHostileServer();
  env = { SORA_API_KEY: KEY, SORA_BASE_URL: server.url };
  dir = await tempDir();
});
afterAll(async () => {
  checkAllOutputsForKey();
  await server?.close();
});

/** Nothing raw, and no line that starts with a forged message. */
function expectNeutralised(result: RunResult): void {
  for (const [name, text] of [
    ['stdout', result.stdout],
    ['stderr', result.stderr],
  ] as const) {
    expect(text, `${name} carries a raw control character:\n${JSON.stringify(text)}`).not.toMatch(
      RAW_CONTROL,
    );
    for (const line of text.split('\n')) expect(line, name).not.toMatch(/^✓ (Saved )?FAKE/);
  }
}

describe('human-readable output shows escapes, never acts on them', () => {
  it('status: every field of a hostile Video', async () => {
    const result = await runCli(['status', 'video_evil'], { env, cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    expectNeutralised(result);
    expect(result.stdout).toContain('in_progress\\x1b]0;PWNED-TITLE\\x07');
    expect(result.stdout).toContain('sora-2\\x1b[2J\\x1b[H');
    expect(result.stdout).toContain('720x1280\\u009b2J\\u009d0;PWNED-C1\\u009c');
    expect(result.stdout).toContain('a tiger\\n✓ Saved FAKE.mp4');
    expect(result.stdout).toContain('bad\\u202eFAKE: broken\\r\\x1b[2K✓ FAKE completed\\n✓ Saved FAKE.mp4');
  });

  it('status --json: the exact Video, parsed back byte for byte', async () => {
    const result = await runCli(['status', 'video_evil', '--json'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toMatch(RAW_CONTROL);
    expect(jsonLines(result.stdout)).toEqual([evilVideo('video_evil')]);
  });

  it('list: a table of hostile rows; --json exact', async () => {
    const table = await runCli(['list'], { env, cwd: dir });
    expect(table.code, table.stderr).toBe(0);
    expectNeutralised(table);
    expect(table.stdout.trim().split('\n')).toHaveLength(4); // header + 3 rows: no forged row
    expect(table.stdout).toContain('prompt 1\\x1b]0;PWNED-TITLE\\x07');
    const json = await runCli(['list', '--json'], { env, cwd: dir });
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(jsonLines(json.stdout).map((v) => v.prompt)).toEqual(
      [1, 2, 3].map((n) => `prompt ${n}${EVIL_TEXT}`),
    );
  });

  it('an API error: the message, param and code are escaped; --json keeps them exact', async () => {
    const result = await runCli(['status', 'video_refused'], { env, cwd: dir });
    expect(result.code).toBe(1);
    expectNeutralised(result);
    expect(result.stderr).toContain('refused\\x1b]0;PWNED-TITLE\\x07');
    expect(result.stderr).toContain('param: prompt\\x1b]0;PWNED-TITLE\\x07');
    const json = await runCli(['status', 'video_refused', '--json'], { env, cwd: dir });
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    const [event] = jsonLines(json.stdout);
    expect(event).toMatchObject({ type: 'error', error: { param: `prompt${EVIL.title}` } });
    expect((event!.error as { message: string }).message).toContain(`refused${EVIL_TEXT}`);
  });

  it('generate: the progress log, the created line and the failure, in a plain log', async () => {
    const result = await runCli(['generate', 'a tiger', '-o', 'never.mp4'], {
      env,
      cwd: dir,
      timeoutMs: 40_000,
    });
    expect(result.code).toBe(1);
    expectNeutralised(result);
    expect(result.stderr).toMatch(/Created video_gen\d+ \(sora-2\\x1b\[2J\\x1b\[H, 4 s, 720x1280\\u009b2J/);
    expect(result.stderr).toContain('in_progress\\x1b]0;PWNED-TITLE\\x07');
    expect(result.stderr).toContain('failed: bad\\u202eFAKE: broken\\r\\x1b[2K✓ FAKE completed');
  });

  it('batch: the event lines of hostile jobs, and the errors of a hostile jobs file', async () => {
    const jobs = join(dir, 'evil-jobs.jsonl');
    await writeFile(jobs, `"a tiger"\n${JSON.stringify({ prompt: 'refuse this one' })}\n`);
    const result = await runCli(['batch', jobs, '--out-dir', join(dir, 'evil-out')], {
      env,
      cwd: dir,
      timeoutMs: 40_000,
    });
    expect(result.code).toBe(1);
    expectNeutralised(result);
    expect(result.stderr).toContain('failed: bad\\u202eFAKE: broken\\r\\x1b[2K✓ FAKE completed');
    expect(result.stderr).toContain('error: 400 refused\\x1b]0;PWNED-TITLE\\x07');

    const badFile = join(dir, 'evil-fields.jsonl');
    await writeFile(badFile, `${JSON.stringify({ prompt: 'x', [`field${EVIL_TEXT}`]: 1 })}\n`);
    const refused = await runCli(['batch', badFile, '--out-dir', join(dir, 'evil-out-2')], { env, cwd: dir });
    expect(refused.code).toBe(2);
    expectNeutralised(refused);
    expect(refused.stderr).toContain("unknown field 'field\\x1b]0;PWNED-TITLE\\x07");
  });
});

describe('in a real terminal (tmux)', () => {
  const run = promisify(execFile);
  const socket = `sora-kit-evil-${process.pid}`;
  const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args]);
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  afterAll(async () => {
    // Our own server only (its private socket), then its socket file.
    await tmux('kill-server').catch(() => {});
    await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${process.getuid?.() ?? 0}`, socket), {
      force: true,
    });
  });

  it('keeps the window title and the screen; prints no forged line', async () => {
    const cli = (args: string) =>
      `SORA_API_KEY=${quote(KEY)} SORA_BASE_URL=${quote(server.url)} TERM=xterm-256color ${quote(process.execPath)} ${quote(CLI)} ${args}`;
    const command = [
      `cd ${quote(dir)}`,
      'printf "BEFORE-MARKER\\n"',
      cli('status video_evil'),
      cli('list'),
      cli('status video_refused'),
      cli('generate "a tiger" -o never-tty.mp4'),
      'echo EXIT-DONE',
      'sleep 600',
    ].join('; ');
    await tmux('new-session', '-d', '-s', 'evil', '-x', '200', '-y', '60', command);
    await tmux('set-option', '-t', 'evil', 'history-limit', '5000');
    const deadline = Date.now() + 40_000;
    let screen = '';
    while (Date.now() < deadline) {
      screen = (await tmux('capture-pane', '-p', '-S', '-', '-t', 'evil')).stdout;
      if (screen.includes('EXIT-DONE')) break;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
    expect(screen).toContain('EXIT-DONE');
    const title = (await tmux('display-message', '-p', '-t', 'evil', '#{pane_title}')).stdout.trim();
    expect(title).not.toContain('PWNED');
    // Nothing cleared the screen: the line printed before the CLI ran is still there.
    expect(screen).toContain('BEFORE-MARKER');
    expect(screen).toContain('\\x1b]0;PWNED-TITLE\\x07');
    for (const line of screen.split('\n')) expect(line).not.toMatch(/^✓ (Saved )?FAKE/);
    expect(screen).not.toContain(KEY);
  }, 60_000);
});
