/**
 * `sora-kit batch`: a jobs file at concurrency 3, killed mid-way (SIGKILL and Ctrl-C) and run again —
 * the emulator must never hold a second job for any line, and every video must end up on disk — plus
 * a batch under injected 429s, and the checks made before any request.
 */
import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  creates,
  dir,
  envFor,
  jsonLines,
  probe,
  runCli,
  spawnCli,
  testEmulator,
  useWorkDir,
} from './support.js';

useWorkDir();

const PROMPTS = [
  'a tiger breaks into a farmyard',
  { prompt: 'the dog runs', seconds: '8' },
  { prompt: 'the cat drives the tiger off', size: '1280x720', output: 'cat.mp4' },
  'a rooster on the fence',
  { prompt: 'dusk over the farm', seconds: 4 },
  'the tiger walks back into the forest',
  'the farmer counts the chickens',
];

async function jobsFile(name: string, lines: unknown[] = PROMPTS): Promise<string> {
  const path = join(dir, name);
  // A blank line in the middle: jobs keep their line numbers.
  const text = lines.map((line) => JSON.stringify(line));
  text.splice(3, 0, '');
  await writeFile(path, `${text.join('\n')}\n`);
  return path;
}

async function manifest(outDir: string): Promise<Record<string, unknown>[]> {
  return jsonLines(await readFile(join(outDir, 'manifest.jsonl'), 'utf8'));
}

async function mp4s(outDir: string): Promise<string[]> {
  return (await readdir(outDir)).filter((f) => f.endsWith('.mp4')).sort();
}

/**
 * A batch of the 7 lines at concurrency 3 against an emulator that answers `fault.times` requests with a
 * 429 and a Retry-After of 1 s: every video must end up saved, one job per line, and after the first 429
 * no worker may send anything until the Retry-After has passed. Answers the emulator and the 429s.
 */
async function batchUnder429s(name: string, fault: { times: number; method: string; path: string }) {
  const emulator = await testEmulator({ jobSeconds: 0.5 });
  emulator.faults.add({ kind: 'rate-limit', retryAfterSeconds: 1, ...fault });
  const outDir = join(dir, name);
  const result = await runCli(
    ['batch', await jobsFile(`${name}.jsonl`), '--out-dir', outDir, '--concurrency', '3'],
    { env: envFor(emulator), cwd: dir },
  );
  expect(result.code, result.stderr).toBe(0);
  expect(await mp4s(outDir)).toEqual(EXPECTED_FILES);
  expect(result.stderr).toMatch(/rate limited \(429\): every worker waits 0:01/);
  expect(emulator.videos()).toHaveLength(7);
  const log = emulator.requests();
  const limited = log.filter((r) => r.status === 429);
  // Requests sent just before the gate closed may still arrive a little later on a loaded machine: the
  // window starts 400 ms after the first 429.
  const first429 = limited[0]!;
  const during = log.filter((r) => r.at > first429.at + 400 && r.at < first429.at + 900);
  expect(
    during,
    JSON.stringify(log.map((r) => [r.method, r.path.slice(0, 20), r.status, r.at - first429.at])),
  ).toEqual([]);
  return { emulator, limited };
}

const EXPECTED_FILES = [
  'cat.mp4',
  'line-001.mp4',
  'line-002.mp4',
  'line-005.mp4',
  'line-006.mp4',
  'line-007.mp4',
  'line-008.mp4',
];

describe('batch', () => {
  it('runs every line at concurrency 3 and records each job in the manifest', async () => {
    const emulator = await testEmulator({ jobSeconds: 0.5 });
    const outDir = join(dir, 'plain');
    const result = await runCli(
      ['batch', await jobsFile('plain.jsonl'), '--out-dir', outDir, '--concurrency', '3'],
      { env: envFor(emulator), cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(await mp4s(outDir)).toEqual(EXPECTED_FILES);
    expect(await probe(join(outDir, 'cat.mp4'))).toMatchObject({ width: 1280, height: 720 });
    expect((await probe(join(outDir, 'line-002.mp4'))).durationSeconds).toBeCloseTo(8, 0);
    expect(result.stderr).toMatch(/Batch: 7\/7 saved in/);
    // Never more than 3 jobs rendering at once: at most 3 creates before the first download.
    const log = emulator.requests();
    const firstDownload = log.findIndex((r) => r.path.endsWith('/content'));
    expect(log.slice(0, firstDownload).filter((r) => r.method === 'POST').length).toBeLessThanOrEqual(3);
    const records = await manifest(outDir);
    expect(records[0]).toMatchObject({ type: 'batch', version: 1 });
    expect(records.filter((r) => r.type === 'downloaded')).toHaveLength(7);
    // One create per line, each with its own Idempotency-Key from the manifest.
    const keys = creates(emulator).map((r) => r.idempotencyKey);
    expect(keys).toHaveLength(7);
    expect(new Set(keys).size).toBe(7);
    expect(new Set(records.filter((r) => r.type === 'creating').map((r) => r.idempotency_key))).toEqual(
      new Set(keys),
    );
  });

  it('killed (SIGKILL) mid-way and run again: no line is created twice, every file ends up downloaded', async () => {
    const emulator = await testEmulator({ jobSeconds: 1.5 });
    const outDir = join(dir, 'killed');
    const file = await jobsFile('killed.jsonl');
    const first = spawnCli(['batch', file, '--out-dir', outDir, '--concurrency', '3'], {
      env: envFor(emulator),
      cwd: dir,
    });
    await first.waitFor(/saved/); // some done, some rendering, some not started
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const before = await mp4s(outDir);
    expect(before.length).toBeGreaterThan(0);
    expect(before.length).toBeLessThan(7);

    const second = await runCli(['batch', file, '--out-dir', outDir, '--concurrency', '3'], {
      env: envFor(emulator),
      cwd: dir,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/Resuming: \d of 7 lines are in the manifest already/);
    expect(await mp4s(outDir)).toEqual(EXPECTED_FILES);
    // The server holds exactly one job per line: a create resent after the kill carried the same key.
    expect(emulator.videos()).toHaveLength(7);
    expect(new Set(creates(emulator).map((r) => r.idempotencyKey)).size).toBe(7);
    expect((await readdir(outDir)).filter((f) => f.includes('.part'))).toEqual([]);
  });

  it('interrupted (Ctrl-C), then resumed: exactly one create per line, and the resume command is printed', async () => {
    const emulator = await testEmulator({ jobSeconds: 1.5 });
    const outDir = join(dir, 'interrupted');
    const file = await jobsFile('interrupted.jsonl');
    const first = spawnCli(['batch', file, '--out-dir', outDir, '--concurrency', '3'], {
      env: envFor(emulator),
      cwd: dir,
    });
    await first.waitFor(/created[\s\S]*created[\s\S]*created/);
    first.child.kill('SIGINT');
    const interrupted = await first.done;
    expect(interrupted.code).toBe(130);
    expect(interrupted.stderr).toContain(
      `Resume with: sora-kit batch ${file} --out-dir ${outDir} --concurrency 3`,
    );
    expect((await readdir(outDir)).filter((f) => f.includes('.part'))).toEqual([]);

    const second = await runCli(['batch', file, '--out-dir', outDir, '--concurrency', '3', '--json'], {
      env: envFor(emulator),
      cwd: dir,
    });
    expect(second.code, second.stderr).toBe(0);
    expect(creates(emulator)).toHaveLength(7);
    expect(await mp4s(outDir)).toEqual(EXPECTED_FILES);
    const events = jsonLines(second.stdout);
    expect(events.at(-1)).toMatchObject({
      type: 'summary',
      total: 7,
      downloaded: 7,
      failed: 0,
      errors: 0,
      pending: 0,
    });

    // A third run finds everything done and sends nothing.
    emulator.clearRequests();
    const third = await runCli(['batch', file, '--out-dir', outDir], { env: envFor(emulator), cwd: dir });
    expect(third.code).toBe(0);
    expect(third.stderr).toMatch(/already saved/);
    expect(emulator.requests()).toEqual([]);
  });

  it('finishes under injected 429s, pausing every worker for the Retry-After', async () => {
    const { emulator, limited } = await batchUnder429s('limited', {
      times: 4,
      method: 'POST',
      path: '/v1/videos',
    });
    expect(limited).toHaveLength(4);
    expect(new Set(creates(emulator).map((r) => r.idempotencyKey)).size).toBe(7);
  });

  it('pauses every worker on a 429 to a download too (downloads go through the gate)', async () => {
    const { limited } = await batchUnder429s('limited-downloads', {
      times: 2,
      method: 'GET',
      path: '/v1/videos/*/content',
    });
    expect(limited).toHaveLength(2);
    expect(limited.every((r) => r.path.endsWith('/content'))).toBe(true);
  });

  it('reports a failed job (exit 1) and never creates it again on a rerun', async () => {
    const emulator = await testEmulator({ jobSeconds: 0.4 });
    const outDir = join(dir, 'failed');
    const file = join(dir, 'failed.jsonl');
    await writeFile(file, '"a calm sea"\n"a tiger [moderation-block]"\n');
    const first = await runCli(['batch', file, '--out-dir', outDir], { env: envFor(emulator), cwd: dir });
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/line 2 .*failed: moderation_blocked/);
    expect(first.stderr).toMatch(/Batch: 1\/2 saved, 1 failed/);
    const again = await runCli(['batch', file, '--out-dir', outDir], { env: envFor(emulator), cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/failed in an earlier run: moderation_blocked/);
    expect(creates(emulator)).toHaveLength(2);
  });
});

describe('batch: a refused key stops the whole batch', () => {
  it('exits 1 at the first 401 instead of trying every line', async () => {
    const emulator = await testEmulator({ apiKey: 'the-right-key' });
    const result = await runCli(
      ['batch', await jobsFile('refused.jsonl'), '--out-dir', join(dir, 'refused'), '--concurrency', '2'],
      {
        env: envFor(emulator),
        cwd: dir,
      },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('The API refused the key: 401');
    expect(creates(emulator).length).toBeLessThanOrEqual(2);
  });
});

describe('batch: refused before any request (exit 2)', () => {
  it('names every invalid line and why', async () => {
    const emulator = await testEmulator();
    const file = join(dir, 'invalid.jsonl');
    await writeFile(
      file,
      [
        '"fine"',
        '{"prompt": "x", "seconds": "5"}',
        'not json',
        '{"prompt": "x", "colour": "red"}',
        '{"seconds": "4"}',
        '{"prompt": "x", "size": "1792x1024"}',
        '{"prompt": "x", "output": "../escape.mp4"}',
        '{"prompt": "x", "input_reference": "missing.png"}',
        '[1, 2]',
      ].join('\n'),
    );
    const result = await runCli(['batch', file, '--out-dir', join(dir, 'never')], {
      env: envFor(emulator),
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('8 invalid lines; nothing was sent.');
    expect(result.stderr).toMatch(/line 2: Invalid value for 'seconds': '5'\. Allowed: '4', '8', '12'\./);
    expect(result.stderr).toMatch(/line 3: not valid JSON/);
    expect(result.stderr).toMatch(
      /line 4: unknown field 'colour'\. Allowed: prompt, model, seconds, size, input_reference, output\./,
    );
    expect(result.stderr).toMatch(/line 5: Invalid value for 'prompt'/);
    expect(result.stderr).toMatch(/line 6: Invalid value for 'size': '1792x1024'/);
    expect(result.stderr).toMatch(/line 7: Invalid value for 'output': '\.\.\/escape\.mp4'/);
    expect(result.stderr).toMatch(
      /line 8: Invalid value for 'input_reference': '.*missing\.png' does not exist/,
    );
    expect(result.stderr).toMatch(/line 9: must be a JSON object/);
    expect(emulator.requests()).toEqual([]);
    expect(await readdir(dir)).not.toContain('never');
  });

  it('refuses a line edited since its job was created, and output files it does not own', async () => {
    const emulator = await testEmulator({ jobSeconds: 0.3 });
    const outDir = join(dir, 'edited');
    const file = join(dir, 'edited.jsonl');
    await writeFile(file, '"one"\n"two"\n');
    expect(
      (await runCli(['batch', file, '--out-dir', outDir], { env: envFor(emulator), cwd: dir })).code,
    ).toBe(0);
    emulator.clearRequests();

    await writeFile(file, '"one"\n"two, changed"\n');
    const edited = await runCli(['batch', file, '--out-dir', outDir], { env: envFor(emulator), cwd: dir });
    expect(edited.code).toBe(2);
    expect(edited.stderr).toMatch(/line 2 of .* changed since its job was created/);

    await writeFile(file, '"one"\n"two"\n"three"\n');
    await writeFile(join(outDir, 'line-003.mp4'), 'mine');
    const clash = await runCli(['batch', file, '--out-dir', outDir], { env: envFor(emulator), cwd: dir });
    expect(clash.code).toBe(2);
    expect(clash.stderr).toMatch(/line-003\.mp4 \(line 3\)/);
    expect(clash.stderr).toContain('--force');
    expect(emulator.requests()).toEqual([]);

    const forced = await runCli(['batch', file, '--out-dir', outDir, '--force'], {
      env: envFor(emulator),
      cwd: dir,
    });
    expect(forced.code).toBe(0);
    expect(creates(emulator)).toHaveLength(1);
  });
});
