/**
 * `--json`: stdout is JSON lines only, the last one the final Video (or `{"type":"error"}`); and the
 * API key never appears in any output — not with `--verbose`, not in errors, not in a refused key.
 */
import { describe, expect, it } from 'vitest';
import { dir, env, envFor, jsonLines, KEY, runCli, testEmulator, useSharedEmulator } from './support.js';

useSharedEmulator({ jobSeconds: 0.4 });

describe('--json', () => {
  it('generate: created, progress…, download…, saved, then the final Video; nothing else on stdout', async () => {
    const result = await runCli(['generate', 'a tiger', '--json', '-o', 'json.mp4'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const lines = jsonLines(result.stdout);
    const types = lines.map((line) => line.type ?? line.object);
    expect(types[0]).toBe('created');
    expect(types.at(-1)).toBe('video');
    expect(types.at(-2)).toBe('saved');
    expect(types).toContain('progress');
    const [created] = lines;
    expect(created).toEqual({ type: 'created', id: expect.stringMatching(/^video_/), status: 'queued' });
    for (const progress of lines.filter((l) => l.type === 'progress')) {
      expect(progress).toEqual({
        type: 'progress',
        id: created!.id,
        status: expect.stringMatching(/^(queued|in_progress|completed)$/),
        progress: expect.any(Number),
        elapsed_ms: expect.any(Number),
      });
    }
    expect(lines.at(-2)).toEqual({
      type: 'saved',
      id: created!.id,
      variant: 'video',
      path: expect.stringMatching(/json\.mp4$/),
      bytes: expect.any(Number),
    });
    expect(lines.at(-1)).toMatchObject({
      id: created!.id,
      object: 'video',
      status: 'completed',
      progress: 100,
    });
  });

  it('a failed job: the last line is the failed Video with its error', async () => {
    const result = await runCli(['generate', 'a tiger [moderation-block]', '--json'], { env, cwd: dir });
    expect(result.code).toBe(1);
    const last = jsonLines(result.stdout).at(-1);
    expect(last).toMatchObject({ object: 'video', status: 'failed', error: { code: 'moderation_blocked' } });
  });

  it('an error: the last line is {"type":"error"} with the exit code; usage errors too', async () => {
    const refused = await runCli(['status', 'video_nope', '--json'], { env, cwd: dir });
    expect(refused.code).toBe(1);
    expect(jsonLines(refused.stdout)).toEqual([
      {
        type: 'error',
        exit_code: 1,
        error: expect.objectContaining({ status: 404, message: expect.stringContaining('404') }),
      },
    ]);
    const invalid = await runCli(['generate', 'a tiger', '--seconds', '7', '--json'], { env, cwd: dir });
    expect(invalid.code).toBe(2);
    expect(jsonLines(invalid.stdout)).toEqual([
      {
        type: 'error',
        exit_code: 2,
        error: expect.objectContaining({ code: 'invalid_value', param: 'seconds' }),
      },
    ]);
  });

  it('--no-wait: created, then the queued Video', async () => {
    const result = await runCli(['generate', 'a tiger', '--json', '--no-wait'], { env, cwd: dir });
    const lines = jsonLines(result.stdout);
    expect(lines.map((l) => l.type ?? l.object)).toEqual(['created', 'video']);
    expect(lines[1]).toMatchObject({ status: 'queued' });
  });
});

describe('the API key never appears in any output', () => {
  // Every run of every test goes through support.ts, which fails the test if stdout or stderr holds the
  // key; these are the paths most likely to leak it.
  it('--verbose logs requests without headers', async () => {
    const result = await runCli(['generate', 'a tiger', '--verbose', '-o', 'verbose.mp4'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/POST \/v1\/videos → 200 in \d+ ms/);
    expect(result.stderr).toMatch(
      /GET \/v1\/videos\/video_\w+\/content\?variant=video → \d+ bytes in \d+ ms/,
    );
    expect(result.stderr).toMatch(/key from SORA_API_KEY \(\d+ characters, never printed\)/);
    expect(result.stderr + result.stdout).not.toContain(KEY);
  });

  it('a refused key, with --verbose and --json', async () => {
    const other = await testEmulator({ apiKey: 'another-key' });
    const result = await runCli(['list', '--verbose', '--json'], { env: envFor(other), cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/401/);
    expect(result.stderr + result.stdout).not.toContain(KEY);
  });

  it('a key that cannot be sent as a header (a pasted newline)', async () => {
    const result = await runCli(['status', 'video_1', '--verbose'], {
      env: { ...env, SORA_API_KEY: `${KEY}\nsecond-line` },
      cwd: dir,
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).not.toContain(KEY);
    expect(result.stderr + result.stdout).not.toContain('second-line');
  });

  it('a key in SORA_BASE_URL credentials is refused without echoing it', async () => {
    const result = await runCli(['status', 'video_1'], {
      env: { ...env, SORA_BASE_URL: `http://user:${KEY}@127.0.0.1:1` },
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('credentials in the URL are not allowed');
  });
});
