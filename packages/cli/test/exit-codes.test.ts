/**
 * Every exit code, from the built CLI: 0 done; 1 a failed job or an API refusal; 2 invalid input, found
 * before any request (the emulator's log stays empty); 130 Ctrl-C while waiting, with the resume hint
 * and no partial file.
 */
import { readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  dir,
  emulator,
  env,
  envFor,
  KEY,
  runCli,
  solidPng,
  spawnCli,
  testEmulator,
  useSharedEmulator,
} from './support.js';

useSharedEmulator({ jobSeconds: 0.4 });

describe('exit 2: invalid input, refused before any request', () => {
  const cases: [string, string[], RegExp][] = [
    [
      'seconds not 4/8/12',
      ['generate', 'a tiger', '--seconds', '5'],
      /Invalid value for 'seconds': '5'\. Allowed: '4', '8', '12'\./,
    ],
    [
      'an unknown size',
      ['generate', 'a tiger', '--size', '640x480'],
      /Invalid value for 'size': '640x480'\. Allowed: '720x1280', '1280x720', '1024x1792', '1792x1024'/,
    ],
    [
      'a 1792 size with sora-2',
      ['generate', 'a tiger', '--size', '1792x1024'],
      /'size': '1792x1024'.*need a sora-2-pro model/,
    ],
    [
      'an empty prompt',
      ['generate', ''],
      /Invalid value for 'prompt'.*Allowed: a string of 1 to 32000 characters/,
    ],
    ['an empty model', ['generate', 'a tiger', '--model', ''], /Invalid value for 'model'/],
    [
      'a missing input reference',
      ['generate', 'a tiger', '--input-reference', 'nope.png'],
      /'--input-reference': 'nope\.png' does not exist\. Allowed: a JPEG, PNG or WebP image of 720x1280/,
    ],
    ['an unknown option', ['generate', 'a tiger', '--colour', 'red'], /unknown option '--colour'/],
    ['a missing argument', ['status'], /missing required argument 'id'/],
    ['an unknown command', ['generat', 'a tiger'], /unknown command 'generat'.*Did you mean generate\?/s],
    ['an invalid id', ['status', 'video/../x'], /Invalid value for 'video_id'/],
    [
      'an unknown variant',
      ['download', 'video_1', '--variant', 'poster'],
      /'--variant <variant>' argument 'poster' is invalid\. Allowed choices are video, thumbnail, spritesheet\./,
    ],
    ['a bad --limit', ['list', '--limit', '0'], /--limit must be a whole number from 1 to 10000/],
    ['a bad --order', ['list', '--order', 'newest'], /Allowed choices are desc, asc/],
    [
      'a bad --concurrency',
      ['batch', 'jobs.jsonl', '--concurrency', '500'],
      /--concurrency must be a whole number from 1 to 100/,
    ],
    [
      'a bad --base-url',
      ['status', 'video_1', '--base-url', 'ftp://example.com'],
      /Invalid value for '--base-url': 'ftp:\/\/example\.com'\. Allowed: an http\(s\) URL/,
    ],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const result = await runCli(args, { env, cwd: dir });
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(emulator.requests()).toEqual([]);
    });
  }

  it('an input reference that is not an image, or not of the video size', async () => {
    await writeFile(join(dir, 'notes.png'), 'just text');
    const text = await runCli(['generate', 'a tiger', '-i', 'notes.png'], { env, cwd: dir });
    expect(text.code).toBe(2);
    expect(text.stderr).toContain("'notes.png' is not a JPEG, PNG or WebP image");
    await writeFile(join(dir, 'small.png'), solidPng(640, 480));
    const small = await runCli(['generate', 'a tiger', '-i', 'small.png', '--size', '1280x720'], {
      env,
      cwd: dir,
    });
    expect(small.code).toBe(2);
    expect(small.stderr).toContain(
      "'small.png' is 640x480. Allowed: an image of exactly the video's size, 1280x720",
    );
    expect(emulator.requests()).toEqual([]);
  });

  it('no key: says how to set SORA_API_KEY and how to try --emulator', async () => {
    const result = await runCli(['generate', 'a tiger'], { env: { SORA_BASE_URL: emulator.url }, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('No API key: set the SORA_API_KEY environment variable');
    expect(result.stderr).toContain('export SORA_API_KEY=');
    expect(result.stderr).toContain('sora-kit generate --emulator');
    expect(emulator.requests()).toEqual([]);
  });

  it('--help and --version exit 0; no command is usage (2)', async () => {
    expect((await runCli(['--help'])).code).toBe(0);
    expect((await runCli(['--version'])).stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect((await runCli([])).code).toBe(2);
  });
});

describe('exit 1: the job failed or the API refused', () => {
  it('a moderated prompt: the job fails with its code and message', async () => {
    const result = await runCli(['generate', 'a tiger [moderation-block]', '-o', 'blocked.mp4'], {
      env,
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: Job video_\w+ failed: moderation_blocked: Your request was blocked/,
    );
    expect(await readdir(dir)).not.toContain('blocked.mp4');
  });

  it('a wrong key: the API answers 401; the message points at SORA_API_KEY', async () => {
    const result = await runCli(['status', 'video_123'], {
      env: { ...env, SORA_API_KEY: `${KEY}-wrong` },
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/The API refused the key: 401/);
    expect(result.stderr).toContain('Check SORA_API_KEY');
  });

  it('an unknown id: 404', async () => {
    const result = await runCli(['wait', 'video_doesnotexist'], { env, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/404/);
  });

  it('a server that cannot be reached', async () => {
    const result = await runCli(['status', 'video_1', '--base-url', 'http://127.0.0.1:9'], { env, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Could not reach the API/);
  });

  it('--timeout gives up waiting and says how to resume', async () => {
    const slow = await testEmulator({ jobSeconds: 30 });
    const result = await runCli(['generate', 'a slow tiger', '--timeout', '0.5'], {
      env: envFor(slow),
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/still (queued|in_progress)/);
    expect(result.stderr).toMatch(/resume with: sora-kit wait video_\w+/);
  });

  it('wait --timeout is a deadline even when a status request hangs, and keeps the resume hint', async () => {
    const hung = await testEmulator({ jobSeconds: 30 });
    const { createSoraClient } = await import('@sora-kit/core');
    const { id } = await createSoraClient({ apiKey: KEY, baseUrl: hung.url }).videos.create({ prompt: 'a' });
    hung.faults.add({ kind: 'latency', latencyMs: 60_000, method: 'GET', path: '/v1/videos/*', times: 20 });
    const started = performance.now();
    const result = await runCli(['wait', id, '--timeout', '1'], { env: envFor(hung), cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`resume with: sora-kit wait ${id}`);
    // One second of deadline, plus the CLI's start-up on a loaded machine; not the 60 s of the hung request.
    expect(performance.now() - started).toBeLessThan(15_000);
  });
});

describe('exit 130: Ctrl-C', () => {
  it('while waiting: prints the id and the command that resumes; leaves no file', async () => {
    const slow = await testEmulator({ jobSeconds: 30 });
    const sub = join(dir, 'interrupted');
    const cli = spawnCli(['generate', 'a long tiger', '--output', join(sub, 'tiger.mp4')], {
      env: envFor(slow),
      cwd: dir,
    });
    const [, id] = await cli.waitFor(/Created (video_\w+)/);
    await cli.waitFor(/in_progress|queued/);
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain(
      `Interrupted. Resume with: sora-kit wait ${id} --output ${join(sub, 'tiger.mp4')}`,
    );
    expect(await readdir(sub)).toEqual([]);
    // The job is still there, and `wait` picks it up.
    expect(slow.requests().filter((r) => r.method === 'POST')).toHaveLength(1);
  });

  it('while creating: says the job may exist and where to look', async () => {
    const slowCreate = await testEmulator({ jobSeconds: 0.2 });
    slowCreate.faults.add({ kind: 'latency', latencyMs: 60_000, method: 'POST', path: '/v1/videos' });
    const cli = spawnCli(['generate', 'a tiger', '--verbose'], { env: envFor(slowCreate), cwd: dir });
    // The last line before the create is sent; then give the request time to leave (the machine is loaded).
    await cli.waitFor(/^API http:\/\/127\.0\.0\.1:\d+; key from SORA_API_KEY/m);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('Interrupted while the job was being created');
    expect(result.stderr).toContain('sora-kit list --limit 5');
  });

  it('while downloading: no partial file either', async () => {
    const slowDownload = await testEmulator({ jobSeconds: 0.2 });
    // Each chunk of the body is slow: the download is under way when Ctrl-C comes.
    slowDownload.faults.add({ kind: 'latency', latencyMs: 60_000, path: '/v1/videos/*/content', times: 5 });
    const sub = join(dir, 'interrupted-download');
    const cli = spawnCli(['generate', 'a tiger', '--output', join(sub, 'tiger.mp4')], {
      env: envFor(slowDownload),
      cwd: dir,
    });
    await cli.waitFor(/completed in/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    cli.child.kill('SIGINT');
    const result = await cli.done;
    expect(result.code).toBe(130);
    expect(result.stderr).toMatch(/Interrupted\. Resume with: sora-kit wait video_\w+/);
    expect(await readdir(sub)).toEqual([]);
  });
});
