import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ffprobeFile } from '@sora-kit/test-support/media';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { KEY, useEmulator } from './test-support/emulator.js';

// The README's examples, run as they are, each in its own Node process, against the emulator. They import
// the built package by name, and `ai` as an app would.
const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const run = promisify(execFile);
// Jobs long enough to outlive the starting process (Node and `ai` take a while to start on a loaded machine).
// The start/finish test stops the emulator's clock instead, and moves it when finish.mjs has shown the job
// pending: on a machine loaded enough, a Node process starts more slowly than any job time.
let frozenAt: number | undefined;
const t = useEmulator({ jobSeconds: 6, now: () => frozenAt ?? Date.now() });
let cwd: string;
const env = () => ({ ...process.env, SORA_API_KEY: KEY, SORA_BASE_URL: t.emu.url });
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'sora-ai-sdk-examples-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

describe('README examples', () => {
  test('generate.mjs: experimental_generateVideo saves a playable 8 s 1280x720 MP4', async () => {
    const { stdout } = await run(process.execPath, [join(examples, 'generate.mjs')], { cwd, env: env() });
    expect(stdout).toMatch(/^saved tiger\.mp4 \(\d+ bytes\) \[\]/);
    expect(await ffprobeFile(join(cwd, 'tiger.mp4'))).toMatchObject({
      codecName: 'h264',
      width: 1280,
      height: 720,
    });
  });

  test('start.mjs in one process, finish.mjs in another: the job survives the first process', async () => {
    const start = Date.now();
    frozenAt = start; // queued until finish.mjs has shown it pending
    try {
      const started = await run(process.execPath, [join(examples, 'start.mjs'), 'a boat'], {
        cwd,
        env: env(),
      });
      const operation = JSON.parse(started.stdout) as { id: string };
      expect(operation).toEqual({ id: expect.stringMatching(/^video_/) });
      // The starting process has exited; the job is still running on the server.
      expect(t.emu.videos().find((v) => v.id === operation.id)?.status).toBe('queued');

      const finishing = spawn(process.execPath, [join(examples, 'finish.mjs'), started.stdout], {
        cwd,
        env: env(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      finishing.stderr.on('data', (chunk) => {
        stderr += chunk;
      });
      const exited = once(finishing, 'exit');
      // Progress is shown while pending: then the job may end.
      await new Promise<void>((resolve, reject) => {
        finishing.stdout.on('data', (chunk) => {
          stdout += chunk;
          if (/^(queued|in_progress) \d+%$/m.test(stdout)) resolve();
        });
        finishing.once('exit', () => reject(new Error(`finish.mjs ended first: ${stdout}${stderr}`)));
      });
      frozenAt = start + 6_000;
      const [code] = await exited;
      expect(code, stderr).toBe(0);
      expect(stdout).toContain(`saved ${operation.id}.mp4`);
      const probe = await ffprobeFile(join(cwd, `${operation.id}.mp4`));
      expect(probe).toMatchObject({ codecName: 'h264', width: 720, height: 1280 });
      expect(probe.durationSeconds).toBeCloseTo(8, 0);
      // One create in all, from the first process.
      expect(t.creates()).toHaveLength(2); // generate.mjs's and start.mjs's
    } finally {
      frozenAt = undefined;
    }
  });
});
