/**
 * `batch` against hostile or mistaken input: outputs that would overwrite the batch's own files, names a
 * file system cannot hold, folders that cannot be written, and jobs files too big to hold in memory.
 * Everything is refused before any request (the emulator's log stays empty) with the line named.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  creates,
  dir,
  emulator,
  env,
  failEveryPoll,
  runCli,
  solidPng,
  useSharedEmulator,
} from './support.js';

useSharedEmulator({ jobSeconds: 0.3 });

async function jobsFile(name: string, lines: unknown[]): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
  return path;
}

describe("outputs may not collide with the batch's own files", () => {
  it('the jobs file and an input image are never outputs, even with --force: nothing sent, nothing overwritten', async () => {
    await mkdir(join(dir, 'reads'), { recursive: true });
    await writeFile(join(dir, 'reads', 'cat.png'), solidPng(720, 1280));
    const lines = [
      { prompt: 'overwrite my own jobs file', output: 'self.jsonl' },
      { prompt: 'and my picture', input_reference: 'cat.png', output: 'other.mp4' },
    ];
    const file = join(dir, 'reads', 'self.jsonl');
    await writeFile(file, `${lines.map((line) => JSON.stringify(line)).join('\n')}\n`);
    const before = await readFile(file, 'utf8');
    const self = await runCli(['batch', file, '--out-dir', join(dir, 'reads'), '--force'], { env, cwd: dir });
    expect(self.code).toBe(2);
    expect(self.stderr).toMatch(
      /line 1: the output '.*self\.jsonl' is the jobs file, which this batch reads; it is never overwritten, even with --force/,
    );

    const image = join(dir, 'reads', 'image.jsonl');
    await writeFile(
      image,
      `${JSON.stringify({ prompt: 'a cat', input_reference: 'cat.png', output: 'cat.png' })}\n`,
    );
    const picture = await runCli(['batch', image, '--out-dir', join(dir, 'reads'), '--force'], {
      env,
      cwd: dir,
    });
    expect(picture.code).toBe(2);
    expect(picture.stderr).toMatch(/line 1: the output '.*cat\.png' is the input_reference of line 1/);

    // Through a link to the same file: refused by the file's identity.
    const linked = await jobsFile('linked.jsonl', [{ prompt: 'via a link', output: 'alias.jsonl' }]);
    const linkedBefore = await readFile(linked, 'utf8');
    await mkdir(join(dir, 'linked-out'), { recursive: true });
    await symlink(linked, join(dir, 'linked-out', 'alias.jsonl'));
    const viaLink = await runCli(['batch', linked, '--out-dir', join(dir, 'linked-out'), '--force'], {
      env,
      cwd: dir,
    });
    expect(viaLink.code).toBe(2);
    expect(viaLink.stderr).toMatch(/line 1: the output '.*alias\.jsonl' is the jobs file/);
    expect(await readFile(linked, 'utf8')).toBe(linkedBefore);

    expect(await readFile(file, 'utf8')).toBe(before);
    expect(emulator.requests()).toEqual([]);
  });

  it('manifest.jsonl, manifest.lock, temporary names, ".", empty, NUL, too long: each line named, nothing sent', async () => {
    const file = await jobsFile('collide.jsonl', [
      { prompt: 'one', output: 'manifest.jsonl' },
      { prompt: 'two', output: 'manifest.lock' },
      { prompt: 'three', output: '.video.mp4.0123abcd.part' },
      { prompt: 'four', output: '.' },
      { prompt: 'five', output: 'sub/..' },
      { prompt: 'six', output: '' },
      { prompt: 'seven', output: 'a\u0000b.mp4' },
      { prompt: 'eight', output: `${'n'.repeat(250)}.mp4` },
      { prompt: 'nine', output: 'clip.mp4' },
      { prompt: 'ten', output: 'clip.mp4/inner.mp4' },
      { prompt: 'eleven', output: 'MANIFEST.JSONL' },
      'twelve is fine',
    ]);
    const result = await runCli(['batch', file, '--out-dir', 'collide-out'], { env, cwd: dir });
    expect(result.code).toBe(2);
    const lines = result.stderr;
    expect(lines).toContain('10 invalid lines; nothing was sent');
    expect(lines).toMatch(/line 1: Invalid value for 'output': 'manifest\.jsonl': it is the batch manifest/);
    expect(lines).toMatch(/line 2: Invalid value for 'output': 'manifest\.lock': it is the batch manifest/);
    expect(lines).toMatch(/line 3: .*names starting with '\.' are kept for the temporary files/);
    expect(lines).toMatch(/line 4: .*it names a folder, not a file/);
    expect(lines).toMatch(/line 5: .*it names a folder, not a file/);
    expect(lines).toMatch(/line 6: .*it is empty/);
    expect(lines).toMatch(/line 7: Invalid value for 'output': 'a\\x00b\.mp4': it holds a control character/);
    expect(lines).toMatch(/line 8: .*its file name is 254 bytes, too long/);
    expect(lines).toMatch(
      /line 10: output 'clip\.mp4\/inner\.mp4' is inside 'clip\.mp4', the output of line 9/,
    );
    expect(lines).toMatch(/line 11: .*it is the batch manifest/);
    expect(emulator.requests()).toEqual([]);
  });

  it('one such line alone is refused too, and the manifest of an earlier run stays whole', async () => {
    const out = join(dir, 'kept-out');
    const first = await runCli(['batch', await jobsFile('ok.jsonl', ['a calm sea']), '--out-dir', out], {
      env,
      cwd: dir,
    });
    expect(first.code, first.stderr).toBe(0);
    const manifest = await readFile(join(out, 'manifest.jsonl'), 'utf8');
    emulator.clearRequests();
    const bad = await jobsFile('bad.jsonl', ['a calm sea', { prompt: 'x', output: 'manifest.jsonl' }]);
    const result = await runCli(['batch', bad, '--out-dir', out, '--force'], { env, cwd: dir });
    expect(result.code).toBe(2);
    expect(emulator.requests()).toEqual([]);
    expect(await readFile(join(out, 'manifest.jsonl'), 'utf8')).toBe(manifest);
  });
});

describe('the folders are proved writable before any request', () => {
  it('an --out-dir that cannot hold files, or that is a file', async () => {
    const file = await jobsFile('two.jsonl', ['a', 'b']);
    await writeFile(join(dir, 'plain.txt'), 'x');
    for (const [outDir, message] of [
      ['/proc/sora-batch', /Cannot save to '\/proc\/sora-batch'/],
      ['plain.txt', /Cannot save to 'plain\.txt': 'plain\.txt' is a file, not a folder/],
      ['plain.txt/sub', /'plain\.txt' is a file, not a folder/],
    ] as const) {
      const result = await runCli(['batch', file, '--out-dir', outDir], { env, cwd: dir });
      expect(result.stderr).toMatch(message);
      expect(result.code).toBe(2);
    }
    expect(emulator.requests()).toEqual([]);
  });

  it('an output folder that is a link out of --out-dir', async () => {
    const out = join(dir, 'linked-out');
    await mkdir(out, { recursive: true });
    await mkdir(join(dir, 'elsewhere'), { recursive: true });
    await symlink(join(dir, 'elsewhere'), join(out, 'away'));
    const file = await jobsFile('away.jsonl', [{ prompt: 'a', output: 'away/a.mp4' }]);
    const result = await runCli(['batch', file, '--out-dir', out], { env, cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 1: the output 'away\/a\.mp4' leads out of --out-dir/);
    expect(emulator.requests()).toEqual([]);
  });
});

/** Runs the CLI with a probe that writes its peak resident memory (KiB) to a file when it exits. */
async function runMeasured(
  args: string[],
): Promise<{ code: number | null; stderr: string; maxRssMiB: number }> {
  const probe = fileURLToPath(new URL('./max-rss.mjs', import.meta.url));
  const rssFile = join(dir, `rss-${Date.now()}`);
  const result = await runCli(args, {
    env: { ...env, SORA_TEST_MAX_RSS_FILE: rssFile },
    cwd: dir,
    nodeOptions: ['--import', probe],
    timeoutMs: 120_000,
  });
  return { ...result, maxRssMiB: Number(await readFile(rssFile, 'utf8')) / 1024 };
}

describe('jobs files are streamed', () => {
  it('a 200 MB jobs file is checked in bounded memory (the file is never held whole)', async () => {
    // 100 000 lines of 2 000 bytes; the last is invalid, so the whole file is read and nothing is sent.
    const path = join(dir, 'big.jsonl');
    const prompt = 'a tiger breaks into a farmyard at dawn; '.repeat(50).slice(0, 1980);
    const line = `${JSON.stringify({ prompt })}\n`;
    const stream = createWriteStream(path);
    const block = line.repeat(1000);
    for (let i = 0; i < 99; i++)
      if (!stream.write(block)) await new Promise<void>((r) => stream.once('drain', () => r()));
    stream.end(`${line.repeat(999)}${JSON.stringify({ prompt: '   ' })}\n`);
    await new Promise<void>((resolve) => stream.once('close', () => resolve()));
    expect((await stat(path)).size).toBeGreaterThan(195_000_000);

    const result = await runMeasured(['batch', path, '--out-dir', 'big-out']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/line 100000: Invalid value for 'prompt'/);
    expect(emulator.requests()).toEqual([]);
    // Held whole it took over 500 MiB; streamed, the jobs' positions and hashes fit well under 250.
    expect(result.maxRssMiB).toBeLessThan(250);
  }, 180_000);

  it('a 50 MB line is refused by the line limit, naming the line, without being held', async () => {
    const path = join(dir, 'long-line.jsonl');
    const stream = createWriteStream(path);
    stream.write('"first"\n{"prompt": "');
    const chunk = 'x'.repeat(1 << 20);
    for (let i = 0; i < 50; i++)
      if (!stream.write(chunk)) await new Promise<void>((r) => stream.once('drain', () => r()));
    stream.end('"}\n"last"\n');
    await new Promise<void>((resolve) => stream.once('close', () => resolve()));

    const result = await runMeasured(['batch', path, '--out-dir', 'long-out']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /line 2: 524288\d\d bytes, longer than the limit of 1048576 \(--max-line-bytes\)/,
    );
    expect(emulator.requests()).toEqual([]);
    expect(result.maxRssMiB).toBeLessThan(200); // it took 1.5 GB when the line was held

    // The limit is an option; and too many jobs are refused with their own message.
    const small = await jobsFile('three.jsonl', ['a', 'b', 'c']);
    const few = await runCli(['batch', small, '--out-dir', 'few-out', '--max-jobs', '2'], { env, cwd: dir });
    expect(few.code).toBe(2);
    expect(few.stderr).toMatch(/holds more than 2 jobs \(line 3 is one too many\)/);
    expect(few.stderr).toMatch(/raise --max-jobs/);
    const tight = await runCli(['batch', small, '--out-dir', 'few-out', '--max-line-bytes', '1024'], {
      env,
      cwd: dir,
    });
    expect(tight.code, tight.stderr).toBe(0);
  }, 180_000);
});

describe('a line that hits an error after its create', () => {
  it('is named with its id, and the command that retries it is printed, also with --quiet', async () => {
    const out = join(dir, 'retry-out');
    const file = await jobsFile('retry.jsonl', ['a fox']);
    // Every poll fails (after core's retries): the job exists, the batch cannot follow it.
    failEveryPoll(emulator);
    const result = await runCli(['batch', file, '--out-dir', out, '-q'], { env, cwd: dir });
    emulator.faults.clear();
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 1 +video_\w+ +✗ error: /);
    const retry = /Retry it with: (sora-kit batch .*)$/m.exec(result.stderr);
    expect(retry, result.stderr).not.toBeNull();
    const again = await runCli(retry![1]!.split(' ').slice(1), { env, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(creates(emulator)).toHaveLength(1); // finished, not created again
  });
});

describe('--quiet still shows a failed line with its id', () => {
  it('on stderr', async () => {
    const file = await jobsFile('quiet.jsonl', ['a tiger [moderation-block]']);
    const result = await runCli(['batch', file, '--out-dir', 'quiet-out', '-q'], { env, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 1 +video_\w+ +✗ failed: moderation_blocked/);
  });
});
