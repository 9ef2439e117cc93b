// Issue 19: deny by default applies to fields too. Only the spec's fields of each operation reach the API
// (JSON and multipart); an unknown one is a 400 naming it and listing the allowed ones. And the text
// fields of an upload are capped together: only file parts may be large.
import { createServer } from 'node:http';
import { connect } from 'node:net';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type App, closeServer, emulator, listen, startApp } from '../support.js';

let emu: RunningEmulator;
let app: App;
beforeAll(async () => {
  emu = await emulator();
  app = await startApp({ baseUrl: emu.url, policy: { maxInFlight: 50, maxJobsPerWindow: 100 } });
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

const posts = () => emu.requests().filter((r) => r.method === 'POST').length;

describe('unknown fields are refused, not forwarded', () => {
  test.each(['Model', 'duration', 'n', 'quality', 'resolution', 'model ', '__proto__'])(
    'JSON %j',
    async (name) => {
      const before = posts();
      const answer = await app.as('mallory', '/api/sora/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: `{"prompt":"a cat",${JSON.stringify(name)}:"sora-2-pro"}`,
      });
      expect(answer.status).toBe(400);
      const { error } = await answer.json();
      expect(error.param).toBe(name);
      expect(error.message).toContain("Allowed: 'prompt', 'model', 'seconds', 'size', 'input_reference'");
      expect(posts()).toBe(before);
    },
  );

  test('JSON: a key inside video {…} other than id', async () => {
    const answer = await app.as('mallory', '/api/sora/v1/videos/edits', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"prompt":"p","video":{"id":"video_1","model":"sora-2-pro"}}',
    });
    expect(answer.status).toBe(400);
    expect((await answer.json()).error.param).toBe('video.model');
  });

  test.each(['Model', 'duration', 'quality', 'video[id]'])('multipart %j on create', async (name) => {
    const before = posts();
    const form = new FormData();
    form.set('prompt', 'a cat');
    form.set(name, 'x');
    const answer = await app.as('mallory', '/api/sora/v1/videos', { method: 'POST', body: form });
    expect(answer.status).toBe(400);
    const { error } = await answer.json();
    expect(error.param).toBe(name);
    expect(error.message).toContain('Allowed:');
    expect(posts()).toBe(before);
  });

  test('multipart: a text field sent as a file, and a file sent as text', async () => {
    const asFile = new FormData();
    asFile.set('prompt', new Blob(['a cat']), 'p.txt');
    const one = await app.as('mallory', '/api/sora/v1/videos', { method: 'POST', body: asFile });
    expect(one.status).toBe(400);
    expect((await one.json()).error.param).toBe('prompt');
    const asText = new FormData();
    asText.set('prompt', 'a cat');
    asText.set('input_reference', 'https://example.com/a.png');
    const two = await app.as('mallory', '/api/sora/v1/videos', { method: 'POST', body: asText });
    expect(two.status).toBe(400);
    expect((await two.json()).error.param).toBe('input_reference');
  });
});

describe('text fields of an upload are small; only files may be large', () => {
  test('allowed text fields together over the cap: 413', async () => {
    const before = posts();
    const form = new FormData();
    form.set('prompt', '猫'.repeat(30_000)); // 90 000 bytes
    form.set('input_reference[image_url]', `data:image/png;base64,${'A'.repeat(90_000)}`);
    const answer = await app.as('mallory', '/api/sora/v1/videos', { method: 'POST', body: form });
    expect(answer.status).toBe(413);
    expect((await answer.json()).error.message).toContain('text fields');
    expect(posts()).toBe(before);
  });

  test('an endless stream of text fields is refused long before its end (the kernel buffers a few MiB)', async () => {
    // An API that reads any body to its end (as a lenient one would), so only the handler can refuse.
    const sink = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{}}'));
    });
    const sinkApp = await startApp({ baseUrl: await listen(sink) });
    try {
      await endless(sinkApp);
    } finally {
      await sinkApp.close();
      await closeServer(sink);
    }
  });
});

async function endless(app: App): Promise<void> {
  {
    const port = Number(new URL(app.url).port);
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    const answered = new Promise<void>((resolve) => {
      socket.on('data', (d) => {
        answer += d.toString('latin1');
        if (answer.includes('\r\n\r\n')) resolve();
      });
      socket.on('close', () => resolve());
    });
    socket.on('error', () => {});
    await new Promise<void>((resolve) => socket.on('connect', resolve));
    socket.write(
      `POST /api/sora/v1/videos HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nOrigin: ${app.url}\r\nCookie: session=mallory\r\n` +
        'Content-Type: multipart/form-data; boundary=B\r\nTransfer-Encoding: chunked\r\n\r\n',
    );
    let written = 0;
    let done = false;
    answered.then(() => {
      done = true;
    });
    // 100 KiB text fields with new names, each written once the socket took the last (up to 40 MiB, under
    // the 64 MiB upload cap; before the fix all of it was read and held).
    for (let i = 0; !done && written < 40 * 1024 * 1024; i++) {
      const part = `--B\r\nContent-Disposition: form-data; name="f${i}"\r\n\r\n${'x'.repeat(100 * 1024)}\r\n`;
      const chunk = `${Buffer.byteLength(part).toString(16)}\r\n${part}\r\n`;
      await new Promise<void>((resolve) => socket.write(chunk, () => resolve()));
      written += chunk.length;
    }
    if (!done) socket.write('7\r\n--B--\r\n\r\n0\r\n\r\n');
    await answered;
    socket.destroy();
    expect(answer).toMatch(/^HTTP\/1\.1 400/);
    expect(answer).toContain('"param":"f0"'); // the refusal names the first unknown field
    expect(written).toBeLessThan(12 * 1024 * 1024);
  }
}
