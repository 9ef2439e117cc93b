/** `sora-kit emulator`: the emulator's own command line, run through the CLI; and `--emulator`. */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkAllOutputsForKey, jsonLines, probe, runCli, spawnCli, tempDir } from './support.js';

let dir: string;
beforeAll(async () => {
  dir = await tempDir();
});
afterAll(checkAllOutputsForKey);

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

  it("shows the emulator's own help, and refuses an unknown flag with exit 2", async () => {
    const help = await runCli(['emulator', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: sora-emulator [options]');
    const bad = await runCli(['emulator', '--bogus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--bogus'");
  });
});

describe('--emulator', () => {
  it('runs the job on an emulator inside the CLI process, without any key', async () => {
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
    expect(await probe(join(dir, 'embedded.mp4'))).toMatchObject({ width: 1280, height: 720 });
  });
});
