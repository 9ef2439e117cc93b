import { execFile } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { startEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraClient } from './index.js';
import { KEY, useEmulator } from './test-support/emulator.js';

// The README's examples, run as they are against the emulator (they import the built package by name).
const examples = join(dirname(fileURLToPath(import.meta.url)), '..', 'examples');
const run = promisify(execFile);
const t = useEmulator({ jobSeconds: 0.3 });
let cwd: string;
const env = () => ({ ...process.env, SORA_API_KEY: KEY, SORA_BASE_URL: t.emu.url });
beforeAll(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'sora-kit-examples-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

// Each test starts Node processes: on a loaded machine one can take many seconds to start (a guard, not a measure).
describe('README examples', { timeout: 120_000 }, () => {
  test('quickstart.mjs generates and saves a video', async () => {
    const { stdout } = await run(process.execPath, [join(examples, 'quickstart.mjs'), 'a tiger'], {
      cwd,
      env: env(),
    });
    expect(stdout).toMatch(/^queued/m);
    expect(stdout).toMatch(/^completed 100/m);
    const [file] = (await readdir(cwd)).filter((f) => f.endsWith('.mp4'));
    expect(stdout).toContain(`saved ${(await stat(join(cwd, file!))).size} bytes`);
  });

  test('submit-and-watch.mjs: submit in one process, watch in another', async () => {
    const script = join(examples, 'submit-and-watch.mjs');
    const submitted = await run(process.execPath, [script, 'submit', 'a cat'], { cwd, env: env() });
    const id = submitted.stdout.trim();
    expect(id).toMatch(/^video_/);
    const again = await run(process.execPath, [script, 'submit', 'a cat'], { cwd, env: env() });
    expect(again.stdout.trim()).toBe(id); // same idempotency key, same job
    const watched = await run(process.execPath, [script, 'watch', id], { cwd, env: env() });
    expect(watched.stdout).toContain(`saved ${id}.mp4`);
  });

  test('webhook.mjs accepts a signed delivery once, drops its replay, and refuses a forged one', async () => {
    const secret = `whsec_${Buffer.from('a webhook secret of 32 bytes....').toString('base64')}`;
    process.env.SORA_WEBHOOK_SECRET = secret;
    const webhookModule: string = join(examples, 'webhook.mjs'); // a path, so tsc does not look for its types
    const handler = (await import(webhookModule)).default as { fetch(request: Request): Promise<Response> };
    const receiver = createServer(async (req, res) => {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      const request = new Request(`http://x${req.url}`, {
        method: 'POST',
        headers: req.headers as Record<string, string>,
        body: Buffer.concat(chunks),
      });
      const response = await handler.fetch(request);
      res.writeHead(response.status).end(await response.text());
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const emu = await startEmulator({ jobSeconds: 0.2, quiet: true, webhook: { url, secret } });
    try {
      await createSoraClient({ apiKey: 'k', baseUrl: emu.url }).videos.createAndPoll({ prompt: 'a' });
      await expect.poll(() => emu.webhookDeliveries().length, { timeout: 5000 }).toBe(1);
      await expect.poll(() => JSON.stringify(emu.webhookDeliveries()), { timeout: 5000 }).toMatch(/200/);
      const body = '{"type":"video.completed","data":{"id":"video_x"}}';
      // A captured delivery sent again inside the signature's window: verified, but handled only once.
      const timestamp = String(Math.floor(Date.now() / 1000));
      const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
      const signature = `v1,${createHmac('sha256', key).update(`msg_replayed.${timestamp}.${body}`).digest('base64')}`;
      const deliver = () =>
        fetch(url, {
          method: 'POST',
          headers: {
            'webhook-id': 'msg_replayed',
            'webhook-timestamp': timestamp,
            'webhook-signature': signature,
          },
          body,
        }).then(async (r) => [r.status, await r.text()]);
      expect(await deliver()).toEqual([200, 'handled']);
      expect(await deliver()).toEqual([200, 'duplicate']);
      const forged = `v1,${createHmac('sha256', 'wrong').update(`m.1.${body}`).digest('base64')}`;
      const answer = await fetch(url, {
        method: 'POST',
        headers: {
          'webhook-id': 'm',
          'webhook-timestamp': String(Math.floor(Date.now() / 1000)),
          'webhook-signature': forged,
        },
        body,
      });
      expect(answer.status).toBe(400);
    } finally {
      await emu.close();
      receiver.close();
    }
  });
});
