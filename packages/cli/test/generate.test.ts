/** generate, wait, status, download, list, delete, remix: the built CLI against a real emulator. */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  creates,
  dir,
  emulator,
  env,
  envFor,
  jsonLines,
  probe,
  runCli,
  solidPng,
  testEmulator,
  useSharedEmulator,
} from './support.js';

useSharedEmulator({ jobSeconds: 0.5 });

/** Creates a completed job through the CLI and answers its id. */
async function completedJob(prompt = 'a lighthouse at dawn'): Promise<string> {
  const created = await runCli(['generate', prompt, '--no-wait'], { env, cwd: dir });
  expect(created.code).toBe(0);
  const id = created.stdout.trim();
  const waited = await runCli(['wait', id, '--no-download'], { env, cwd: dir });
  expect(waited.code).toBe(0);
  return id;
}

describe('generate', () => {
  it('creates, waits with progress and saves an MP4 of the asked size and duration', async () => {
    // Its own emulator with a 3 s job: the in_progress phase must outlast a poll even on a loaded machine.
    const slow = await testEmulator({ jobSeconds: 3 });
    const result = await runCli(
      [
        'generate',
        '一只凶猛的老虎破门闯入农家小院,土狗吓得跑开,猫咪跳出来击败吓跑老虎。',
        '--seconds',
        '8',
        '--size',
        '1280x720',
        '--output',
        'videos/tiger.mp4',
      ],
      { env: envFor(slow), cwd: dir },
    ).finally(() => slow.close());
    expect(result.code).toBe(0);
    // stdout is the saved path alone (a pipe wants it); stderr tells the story in plain lines.
    expect(result.stdout).toBe('videos/tiger.mp4\n');
    expect(result.stderr).toMatch(/Created video_\w+ \(sora-2, 8 s, 1280x720\)/);
    expect(result.stderr).toMatch(/in_progress {2}\d+%/);
    expect(result.stderr).toMatch(/completed/);
    expect(result.stderr).toMatch(/Saved videos\/tiger\.mp4 \(/);
    const media = await probe(join(dir, 'videos/tiger.mp4'));
    expect(media).toMatchObject({ codecName: 'h264', width: 1280, height: 720 });
    expect(media.durationSeconds).toBeCloseTo(8, 0);
    expect(media.formatName).toContain('mp4');
  });

  it('defaults to <video id>.mp4 in the current folder, 720x1280 for 4 s', async () => {
    const result = await runCli(['generate', 'a paper boat on a pond', '--quiet'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const file = result.stdout.trim();
    expect(file).toMatch(/^video_\w+\.mp4$/);
    const media = await probe(join(dir, file));
    expect(media).toMatchObject({ width: 720, height: 1280 });
    expect(media.durationSeconds).toBeCloseTo(4, 0);
  });

  it('--no-wait prints the id and returns at once; the job is left queued', async () => {
    const result = await runCli(['generate', 'a red kite over the sea', '--no-wait'], { env, cwd: dir });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^video_\w+\n$/);
    expect(result.stderr).toContain(`sora-kit wait ${result.stdout.trim()}`);
    const polls = emulator.requests().filter((r) => r.path === `/v1/videos/${result.stdout.trim()}`);
    expect(polls).toHaveLength(0);
  });

  it('reads the prompt from stdin with "-"', async () => {
    const before = creates(emulator).length;
    const result = await runCli(['generate', '-', '--no-wait', '--json'], {
      env,
      cwd: dir,
      input: 'a prompt from a pipe\n',
    });
    expect(result.code).toBe(0);
    expect(jsonLines(result.stdout).at(-1)).toMatchObject({
      object: 'video',
      prompt: 'a prompt from a pipe',
    });
    expect(creates(emulator).length).toBe(before + 1);
  });

  it('refuses to overwrite an existing file before any request, and overwrites it with --force', async () => {
    await writeFile(join(dir, 'taken.mp4'), 'precious');
    const before = creates(emulator).length;
    const refused = await runCli(['generate', 'a tiger', '--output', 'taken.mp4'], { env, cwd: dir });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("The output file 'taken.mp4' exists; pass --force");
    expect(creates(emulator).length).toBe(before);
    expect(await readFile(join(dir, 'taken.mp4'), 'utf8')).toBe('precious');

    const forced = await runCli(['generate', 'a tiger', '--output', 'taken.mp4', '--force', '-q'], {
      env,
      cwd: dir,
    });
    expect(forced.code).toBe(0);
    expect((await probe(join(dir, 'taken.mp4'))).codecName).toBe('h264');
  });

  it('sends --input-reference as the first frame when it matches --size', async () => {
    const png = join(dir, 'frame-1280x720.png');
    await writeFile(png, solidPng(1280, 720));
    const result = await runCli(
      ['generate', 'the cat walks out', '--size', '1280x720', '--input-reference', png, '--no-wait'],
      { env, cwd: dir },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(creates(emulator).at(-1)?.status).toBe(200);
  });
});

describe('wait, status, download', () => {
  it('wait resumes a job started elsewhere and downloads it', async () => {
    const created = await runCli(['generate', 'a tiger at night', '--no-wait'], { env, cwd: dir });
    const id = created.stdout.trim();
    const waited = await runCli(['wait', id, '--output', 'resumed.mp4'], { env, cwd: dir });
    expect(waited.code).toBe(0);
    expect(waited.stdout).toBe('resumed.mp4\n');
    expect((await probe(join(dir, 'resumed.mp4'))).codecName).toBe('h264');
  });

  it('status shows the job, and --json gives the Video', async () => {
    const id = await completedJob();
    const human = await runCli(['status', id], { env, cwd: dir });
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(new RegExp(`^id {8}${id}$`, 'm'));
    expect(human.stdout).toMatch(/^status {4}completed$/m);
    expect(human.stdout).toMatch(/^expires {3}\d{4}-.*\(in \d+:\d+/m);
    const json = await runCli(['status', id, '--json'], { env, cwd: dir });
    expect(jsonLines(json.stdout)).toEqual([
      expect.objectContaining({ id, object: 'video', status: 'completed' }),
    ]);
  });

  it('download saves each variant with its extension and format', async () => {
    const id = await completedJob();
    const sub = join(dir, 'variants');
    for (const [variant, ext, magic] of [
      ['video', 'mp4', (b: Buffer) => b.toString('latin1', 4, 8) === 'ftyp'],
      ['thumbnail', 'webp', (b: Buffer) => b.toString('latin1', 8, 12) === 'WEBP'],
      ['spritesheet', 'jpg', (b: Buffer) => b[0] === 0xff && b[1] === 0xd8],
    ] as const) {
      const result = await runCli(['download', id, '--variant', variant, '--output', `variants/`], {
        env,
        cwd: dir,
      });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`variants/${id}.${ext}\n`);
      expect(magic(await readFile(join(sub, `${id}.${ext}`)))).toBe(true);
    }
    const again = await runCli(['download', id, '--output', 'variants/'], { env, cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('exists; pass --force');
    expect((await readdir(sub)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('download of a job that is not completed is exit 1 with the wait that saves it, leaving no file', async () => {
    const slow = envFor(await testEmulator({ jobSeconds: 30 }));
    const id = (
      await runCli(['generate', 'still rendering', '--no-wait'], { env: slow, cwd: dir })
    ).stdout.trim();
    const result = await runCli(['download', id, '--output', 'early/'], { env: slow, cwd: dir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`error: ${id} is not ready yet: 400 Video '${id}' is not ready yet`);
    expect(result.stderr).toContain(`Wait for it and save it with: sora-kit wait ${id} --output early/`);
    expect(await readdir(join(dir, 'early'))).toEqual([]);
  });
});

describe('list, delete, remix', () => {
  it('list shows the newest jobs first, as a table or JSON lines', async () => {
    const own = await testEmulator({ jobSeconds: 0.2 });
    const ownEnv = envFor(own);
    const ids: string[] = [];
    for (const prompt of ['first', 'second', 'third']) {
      ids.push((await runCli(['generate', prompt, '--no-wait'], { env: ownEnv, cwd: dir })).stdout.trim());
    }
    const table = await runCli(['list'], { env: ownEnv, cwd: dir });
    expect(table.code).toBe(0);
    const rows = table.stdout.trim().split('\n');
    expect(rows[0]).toMatch(/^ID\s+STATUS\s+CREATED \(UTC\)\s+MODEL\s+SIZE\s+LEN\s+PROMPT$/);
    expect(rows.slice(1).map((row) => row.split(/\s+/)[0])).toEqual([...ids].reverse());
    expect(rows[1]).toMatch(/third$/);

    const json = await runCli(['list', '--json', '--order', 'asc', '--limit', '2'], {
      env: ownEnv,
      cwd: dir,
    });
    expect(jsonLines(json.stdout).map((v) => v.id)).toEqual(ids.slice(0, 2));
    // --limit 2 asks for pages of 2 and stops after the first.
    expect(
      own
        .requests()
        .filter((r) => r.method === 'GET' && r.path === '/v1/videos')
        .at(-1)?.query,
    ).toMatchObject({ limit: '2', order: 'asc' });
  });

  it('list walks pages until --limit', async () => {
    const own = await testEmulator({ jobSeconds: 0.2 });
    for (let i = 0; i < 5; i++)
      await runCli(['generate', `job ${i}`, '--no-wait'], { env: envFor(own), cwd: dir });
    own.clearRequests();
    const result = await runCli(['list', '--json', '--limit', '5', '--order', 'asc'], {
      env: envFor(own),
      cwd: dir,
    });
    expect(jsonLines(result.stdout).map((v) => v.prompt)).toEqual([
      'job 0',
      'job 1',
      'job 2',
      'job 3',
      'job 4',
    ]);
  });

  it('delete removes the job; status then is a 404 refusal', async () => {
    const id = await completedJob('to be deleted');
    const deleted = await runCli(['delete', id], { env, cwd: dir });
    expect(deleted.code).toBe(0);
    expect(deleted.stdout).toBe(`Deleted ${id}\n`);
    const gone = await runCli(['status', id], { env, cwd: dir });
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/404/);
  });

  it('remix makes a new job from a completed one and downloads it', async () => {
    const source = await completedJob('a farmyard by day');
    const result = await runCli(
      ['remix', source, 'the same farmyard at night', '--output', 'night.mp4', '--json'],
      { env, cwd: dir },
    );
    expect(result.code).toBe(0);
    const last = jsonLines(result.stdout).at(-1);
    expect(last).toMatchObject({
      object: 'video',
      status: 'completed',
      remixed_from_video_id: source,
      prompt: 'the same farmyard at night',
    });
    expect((await stat(join(dir, 'night.mp4'))).size).toBeGreaterThan(1000);
  });
});

describe('gateway behaviour', () => {
  it('follows a JSON download link (gpt.ge) without logging the link', async () => {
    const gateway = await testEmulator({ jobSeconds: 0.3, contentMode: 'url' });
    const result = await runCli(['generate', 'a tiger', '-o', 'via-link.mp4', '--verbose'], {
      env: envFor(gateway),
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect((await probe(join(dir, 'via-link.mp4'))).codecName).toBe('h264');
    // The download is logged by its API path; the signed link (its token is a credential) never is.
    expect(result.stderr).toMatch(
      /GET \/v1\/videos\/video_\w+\/content\?variant=video → \d+ bytes in \d+ ms/,
    );
    expect(result.stderr).not.toContain(gateway.filesUrl!);
  });

  it('polls through gateway status names (NOT_START, processing, COMPLETED)', async () => {
    const gateway = await testEmulator({ jobSeconds: 0.4, faults: { gatewayStatusNames: true } });
    const result = await runCli(['generate', 'a tiger', '-o', 'gateway-names.mp4'], {
      env: envFor(gateway),
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/completed in/);
  });
});
