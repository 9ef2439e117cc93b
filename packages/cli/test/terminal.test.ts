/**
 * The progress display in a real terminal: `sora-kit generate --emulator …` runs inside tmux (its own
 * server socket, so nobody else's tmux is touched) and the pane is captured while it runs.
 */
import { execFile } from 'node:child_process';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, KEY, STATE_HOME, tempDir } from './support.js';

const run = promisify(execFile);
const socket = `sora-kit-test-${process.pid}`;
const tmux = (...args: string[]) => run('tmux', ['-L', socket, '-f', '/dev/null', ...args]);

let dir: string;

beforeAll(async () => {
  dir = await tempDir();
});
afterAll(async () => {
  // Our own server only (its private socket), never anyone else's; then its socket file.
  await tmux('kill-server').catch(() => {});
  const uid = process.getuid?.() ?? 0;
  await rm(join(process.env.TMUX_TMPDIR ?? '/tmp', `tmux-${uid}`, socket), { force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Starts `args` in a detached pane of the given size; answers a function that captures the pane. */
async function startInPane(name: string, width: number, args: string[], env: Record<string, string> = {}) {
  const vars = Object.entries({ SORA_API_KEY: KEY, XDG_STATE_HOME: STATE_HOME, ...env })
    .map(([k, v]) => `${k}=${quote(v)}`)
    .join(' ');
  const command = `cd ${quote(dir)} && env -u NO_COLOR -u SORA_BASE_URL ${vars} TERM=xterm-256color ${quote(process.execPath)} ${quote(CLI)} ${args.map(quote).join(' ')}; echo EXIT=$?; sleep 600`;
  await tmux('new-session', '-d', '-s', name, '-x', String(width), '-y', '30', command);
  return async () => (await tmux('capture-pane', '-p', '-t', name)).stdout;
}

async function captureUntil(
  capture: () => Promise<string>,
  done: RegExp,
  timeoutMs = 25_000,
): Promise<string[]> {
  const snapshots: string[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const screen = await capture();
    snapshots.push(screen);
    if (done.test(screen)) return snapshots;
    await new Promise((resolve) => setTimeout(resolve, 80));
  }
  throw new Error(`timed out; last screen:\n${snapshots.at(-1)}`);
}

describe('progress in a terminal (tmux)', () => {
  it('shows status, a bar, the percent, elapsed and an estimate, then ends with the saved path', async () => {
    const capture = await startInPane('wide', 120, [
      'generate',
      '--emulator',
      '--job-seconds',
      '3',
      'a tiger in a farmyard',
      '--output',
      'tty.mp4',
    ]);
    const snapshots = await captureUntil(capture, /EXIT=\d+/);
    const during = snapshots.filter((s) => /in_progress/.test(s));
    expect(during.length, snapshots.join('\n----\n')).toBeGreaterThan(2);
    const line = during
      .at(-1)!
      .split('\n')
      .find((l) => l.includes('in_progress'))!;
    expect(line).toMatch(
      /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] in_progress {2}[█░]{8,30} {2}[ \d]{2}\d% {2}0:0\d {2}(~0:0\d left|estimating…) {2}video_\w+$/,
    );
    // The percent rises across captures, on one line redrawn in place (never a second progress line).
    const percents = during.map((s) => Number(/(\d+)%/.exec(s)?.[1]));
    expect(percents.at(-1)!).toBeGreaterThan(percents[0]!);
    for (const screen of snapshots)
      expect(screen.split('\n').filter((l) => /\d+%/.test(l)).length).toBeLessThanOrEqual(1);

    const final = snapshots.at(-1)!;
    expect(final).toMatch(/Created video_\w+ \(sora-2, 4 s, 720x1280\)/);
    expect(final).toMatch(/✓ video_\w+ completed in 0:0\d/);
    // The last line before the exit status is the saved path (stdout is the terminal: said once).
    const lines = final.trimEnd().split('\n');
    expect(lines.at(-2)).toMatch(/^✓ Saved tty\.mp4 \(\d+\.\d MiB in 0:0\d\)$/);
    expect(lines.at(-1)).toBe('EXIT=0');
    expect(final).not.toMatch(/in_progress|downloading/); // the progress line was cleared
    expect((await stat(join(dir, 'tty.mp4'))).size).toBeGreaterThan(1000);
    for (const screen of snapshots) expect(screen).not.toContain(KEY);
  });

  it('fits a narrow terminal: the line drops its extras instead of wrapping', async () => {
    const capture = await startInPane('narrow', 44, [
      'generate',
      '--emulator',
      '--job-seconds',
      '2',
      'a tiger',
      '--output',
      'narrow.mp4',
    ]);
    const snapshots = await captureUntil(capture, /EXIT=\d+/);
    const lines = snapshots.flatMap((s) => s.split('\n')).filter((l) => /\d+%/.test(l));
    expect(lines.length).toBeGreaterThan(0);
    for (const line of lines) {
      expect([...line].length).toBeLessThan(44);
      expect(line).toMatch(
        /^[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] (queued|in_progress|completed|downloading) +[█░]{8,30} +[ \d]{2}\d%/,
      );
    }
    expect(snapshots.at(-1)).toMatch(/EXIT=0/);
  });

  it('NO_COLOR: no escape sequences but the redraw', async () => {
    const capture = await startInPane(
      'plain',
      100,
      ['generate', '--emulator', '--job-seconds', '1', 'a tiger', '--output', 'nocolor.mp4'],
      { NO_COLOR: '1' },
    );
    await captureUntil(capture, /EXIT=\d+/);
    const { stdout } = await tmux('capture-pane', '-p', '-e', '-t', 'plain');
    // -e keeps the colors tmux holds for the pane: none may be set.
    expect(stdout).not.toContain('\u001b[3');
    expect(stdout).toMatch(/EXIT=0/);
  });
});
