// examples/proxy.mjs, run as it is (it imports the built package by name) against the emulator.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { createSoraClient } from '@sora-kit/core';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { packageDir } from './snippets.js';
import { emulator, KEY } from './support.js';

let emu: RunningEmulator;
beforeAll(async () => {
  emu = await emulator({ jobSeconds: 0.2 });
});
afterAll(() => emu?.close());

test('proxy.mjs keeps the key on the server: a keyless client works through it, nothing else is open', async () => {
  const child = spawn(process.execPath, [join(packageDir, 'examples', 'proxy.mjs')], {
    env: { ...process.env, SORA_API_KEY: KEY, SORA_BASE_URL: emu.url, PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const port = await new Promise<string>((resolve) =>
      child.stdout!.on('data', (chunk) => resolve(/listening on (\d+)/.exec(String(chunk))![1]!)),
    );
    const origin = `http://127.0.0.1:${port}`;
    const browserLike = createSoraClient({
      apiKey: null,
      baseUrl: `${origin}/api/sora`,
      headers: { origin },
    });
    const video = await browserLike.videos.createAndPoll({ prompt: 'through the proxy' });
    const media = await browserLike.videos.downloadContent(video.id);
    expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    expect((await fetch(`${origin}/api/sora/_emulator/faults`)).status).toBe(404);
    const pro = await fetch(`${origin}/api/sora/v1/videos`, {
      method: 'POST',
      headers: { origin, 'content-type': 'application/json' },
      body: '{"prompt":"p","model":"sora-2-pro"}',
    });
    expect(pro.status).toBe(403);
  } finally {
    child.kill();
  }
});
