/**
 * The built `sora-emulator` bin as a real process: its first line, its help, requests against it,
 * flags turned into behaviour, and a clean exit on SIGINT/SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CLI_OPTIONS, HELP } from './cli-args.js';
import { type BinProcess, ensureBuilt, packageDir, runBin } from './test-support/bin-process.js';

const LISTENING = /^sora-emulator listening on http:\/\/127\.0\.0\.1:(\d+)$/;

beforeAll(() => ensureBuilt(), 120_000);

let running: BinProcess[] = [];
afterEach(async () => {
  for (const bin of running) if (bin.child.exitCode === null) bin.child.kill('SIGKILL');
  running = [];
});

async function start(args: string[]): Promise<{ bin: BinProcess; url: string }> {
  const bin = runBin(['--port', '0', '--quiet', ...args]);
  running.push(bin);
  const first = await bin.line(1);
  expect(first).toMatch(LISTENING);
  return { bin, url: first.replace('sora-emulator listening on ', '') };
}

describe('sora-emulator bin', () => {
  it('prints the listening line first, serves requests, and exits 0 promptly on SIGINT', async () => {
    const { bin, url } = await start(['--api-key', 'sk-bin', '--job-seconds', '0.2']);
    const created = await fetch(`${url}/v1/videos`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-bin', 'content-type': 'application/json' },
      body: JSON.stringify({ prompt: 'from the bin' }),
    });
    expect(created.status).toBe(200);
    expect((await fetch(`${url}/v1/videos`, { headers: { authorization: 'Bearer other' } })).status).toBe(
      401,
    );
    // A keep-alive connection is open now; closing must not wait for it.
    const started = Date.now();
    bin.child.kill('SIGINT');
    expect(await bin.exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(bin.stdoutLines).toHaveLength(1);
  });

  it('exits 0 on SIGTERM too', async () => {
    const { bin } = await start([]);
    bin.child.kill('SIGTERM');
    expect((await bin.exit).code).toBe(0);
  });

  it('prints a second line with the download origin in url mode, whose links work without a key', async () => {
    const { bin, url } = await start(['--content-mode', 'url', '--job-seconds', '0']);
    expect(await bin.line(2)).toMatch(/^sora-emulator download origin on http:\/\/127\.0\.0\.1:\d+$/);
    const headers = { authorization: 'Bearer any', 'content-type': 'application/json' };
    const { id } = (await (
      await fetch(`${url}/v1/videos`, { method: 'POST', headers, body: '{"prompt":"p"}' })
    ).json()) as { id: string };
    const link = (await (await fetch(`${url}/v1/videos/${id}/content`, { headers })).json()) as {
      url: string;
    };
    const file = await fetch(link.url);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('video/mp4');
    await file.arrayBuffer();
  });

  it('turns fault flags into faults', async () => {
    const { url } = await start([
      '--fault-rate-limit',
      '1',
      '--retry-after',
      '7',
      '--gateway-status-names',
      '--fault',
      'server-error;status=503;path=/v1/videos;method=GET',
    ]);
    const headers = { authorization: 'Bearer any', 'content-type': 'application/json' };
    const post = () => fetch(`${url}/v1/videos`, { method: 'POST', headers, body: '{"prompt":"p"}' });
    const limited = await post();
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('7');
    const created = (await (await post()).json()) as { status: string };
    expect(created.status).toBe('NOT_START');
    expect((await fetch(`${url}/v1/videos`, { headers })).status).toBe(503);
    expect((await fetch(`${url}/v1/videos`, { headers })).status).toBe(200);
  });

  it('documents every flag in --help and in the README', async () => {
    const bin = runBin(['--help']);
    running.push(bin);
    expect(await bin.exit).toEqual({ code: 0, signal: null });
    const help = bin.stdoutLines.join('\n');
    expect(help).toBe(HELP.trimEnd());
    const readme = readFileSync(join(packageDir, 'README.md'), 'utf8');
    for (const flag of Object.keys(CLI_OPTIONS)) {
      expect(help, `--help mentions --${flag}`).toContain(`--${flag}`);
      expect(readme, `README mentions --${flag}`).toContain(`--${flag}`);
    }
  });

  it('prints its version, and refuses an unknown flag or a bad value with exit code 2', async () => {
    const version = runBin(['--version']);
    running.push(version);
    expect((await version.exit).code).toBe(0);
    const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    expect(version.stdoutLines).toEqual([pkg.version]);

    for (const args of [
      ['--colour'],
      ['--job-seconds', 'soon'],
      ['--content-mode', 'ftp'],
      ['--webhook-url', 'http://x'],
    ]) {
      const bad = runBin(args);
      running.push(bad);
      expect((await bad.exit).code, args.join(' ')).toBe(2);
      expect(bad.stderr()).toMatch(/sora-emulator: .+\nRun "sora-emulator --help"/);
    }
  });
});
