/**
 * A download killed outright (SIGKILL) leaves its temporary `.part` file: the next download of the same
 * output removes it; a download of the same output that is still running is not disturbed.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { dir, emulator, env, probe, runCli, spawnCli, useSharedEmulator } from './support.js';

let id: string;

useSharedEmulator({ jobSeconds: 0.3 });
beforeAll(async () => {
  id = (await runCli(['generate', 'a tiger', '--no-wait'], { env, cwd: dir })).stdout.trim();
  expect((await runCli(['wait', id, '--no-download'], { env, cwd: dir })).code).toBe(0);
});

/**
 * Waits until the folder holds the temporary file of a download to `name`. The download's lock comes
 * first: before it, a file of that shape may be the output check's probe, which is removed at once.
 */
async function partialOf(name: string): Promise<string> {
  const pattern = new RegExp(`^\\.${name.replace('.', '\\.')}\\.[0-9a-f]{8}\\.part$`);
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const entries = await readdir(dir);
    const found = entries.includes(`.${name}.lock`) && entries.find((entry) => pattern.test(entry));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`no partial file of ${name} appeared`);
}

/** Holds the next content answer for 30 s, so that the download sits with its `.part` open. */
function stallNextDownload(): void {
  emulator.faults.add({
    kind: 'latency',
    method: 'GET',
    path: `/v1/videos/${id}/content`,
    latencyMs: 30_000,
  });
}

describe('a .part left by a SIGKILLed download', () => {
  it('is removed by the next download of the same output, which then saves the video', async () => {
    stallNextDownload();
    const killed = spawnCli(['download', id, '-o', 'killed.mp4'], { env, cwd: dir });
    const part = await partialOf('killed.mp4');
    killed.child.kill('SIGKILL');
    expect((await killed.done).signal).toBe('SIGKILL');
    expect(await readdir(dir)).toContain(part); // SIGKILL left it behind
    emulator.faults.clear();

    const again = await runCli(['download', id, '-o', 'killed.mp4', '--verbose'], { env, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`removed ${part}, left by a download that was killed`);
    expect((await readdir(dir)).filter((entry) => entry.includes('killed.mp4'))).toEqual(['killed.mp4']);
    expect(await probe(join(dir, 'killed.mp4'))).toMatchObject({ codecName: 'h264' });
  });

  it('a download of the same output that is still running is left alone; the second is refused', async () => {
    stallNextDownload();
    const first = spawnCli(['download', id, '-o', 'busy.mp4'], { env, cwd: dir });
    const part = await partialOf('busy.mp4');
    const second = await runCli(['download', id, '-o', 'busy.mp4'], { env, cwd: dir });
    expect(second.code).toBe(2);
    expect(second.stderr).toMatch(/Another sora-kit \(pid \d+\) is saving 'busy\.mp4' right now/);
    expect(await readdir(dir)).toContain(part);
    // Ctrl-C: the first cleans up after itself.
    first.child.kill('SIGINT');
    expect((await first.done).code).toBe(130);
    emulator.faults.clear();
    expect((await readdir(dir)).filter((entry) => entry.includes('busy.mp4'))).toEqual([]);
  });
});
