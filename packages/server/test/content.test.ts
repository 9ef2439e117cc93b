// `/content` as a browser uses it (`<video src>`): bytes with Range/206, whichever way the API serves them,
// a gateway's link followed without the key (and refused when it points inside), aborts passed upstream;
// multipart uploads streamed through with a cap.
import { createServer, type IncomingMessage } from 'node:http';
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Gateway, startGateway } from '../../core/src/test-support/gateway-server.js';
import { memoryStore } from '../src/index.js';
import { type App, closeServer, emulator, KEY, listen, startApp } from './support.js';

let emu: RunningEmulator;
let app: App;
beforeAll(async () => {
  emu = await emulator();
  app = await startApp({ baseUrl: emu.url, policy: { maxInFlight: 20 } });
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

describe('bytes from the API', () => {
  test('whole, ranged (206 kept), and as other variants', async () => {
    const video = await app.client('alice').videos.createAndPoll({ prompt: 'ranges' });
    const path = `/api/sora/v1/videos/${video.id}/content`;
    const whole = await app.as('alice', path);
    const bytes = new Uint8Array(await whole.arrayBuffer());
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-length')).toBe(String(bytes.length));
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    const part = await app.as('alice', path, { headers: { range: 'bytes=100-199' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 100-199/${bytes.length}`);
    expect(new Uint8Array(await part.arrayBuffer())).toEqual(bytes.subarray(100, 200));
    const thumb = await app.as('alice', `${path}?variant=thumbnail`);
    expect(thumb.headers.get('content-type')).toBe('image/webp');
    const bad = await app.as('alice', `${path}?variant=../../x`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe('variant');
  });
});

describe("a gateway's JSON link on a second origin", () => {
  let gateway: Gateway;
  let gwApp: App;
  beforeAll(async () => {
    gateway = await startGateway({ apiKey: KEY, jobMs: 10 });
    gwApp = await startApp({ baseUrl: gateway.url });
  });
  afterAll(async () => {
    await gwApp?.close();
    await gateway?.close();
  });

  test('streams the bytes, Range kept, and never sends the key to the file host', async () => {
    const { id } = await gwApp.client('alice').videos.create({ prompt: 'x' });
    const whole = await gwApp.as('alice', `/api/sora/v1/videos/${id}/content`);
    expect(whole.status).toBe(200);
    expect(Buffer.from(await whole.arrayBuffer()).equals(gateway.media)).toBe(true); // (toEqual on 3 MiB is slow)
    const part = await gwApp.as('alice', `/api/sora/v1/videos/${id}/content`, {
      headers: { range: 'bytes=1000-' },
    });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(gateway.media.length - 1000);
    expect(gateway.filesRequests.length).toBe(2);
    for (const seen of gateway.filesRequests) {
      expect(seen.headers.authorization).toBeUndefined();
      expect(seen.headers.cookie).toBeUndefined();
    }
  });

  test("jobs, lists and the in-flight limit work with the gateway's status names", async () => {
    const strict = await startApp({ baseUrl: gateway.url, policy: { maxInFlight: 1 } });
    try {
      const send = () =>
        strict.as('hana', '/api/sora/v1/videos', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"prompt":"p"}',
        });
      const first = await (await send()).json();
      expect(first.status).toBe('NOT_START');
      // The job ends (gateway name `completed`) without anyone polling: the handler asks before refusing.
      await new Promise((r) => setTimeout(r, 50));
      const second = await send();
      expect(second.status).toBe(200);
      const list = await (await strict.as('hana', '/api/sora/v1/videos')).json();
      expect(list.data.map((v: { id: string }) => v.id)).toEqual([(await second.json()).id, first.id]);
    } finally {
      await strict.close();
    }
  });

  test("contentLinks: 'redirect' answers 302 to the link", async () => {
    const redirecting = await startApp({ baseUrl: gateway.url, contentLinks: 'redirect' });
    try {
      const { id } = await redirecting.client('alice').videos.create({ prompt: 'x' });
      const answer = await redirecting.as('alice', `/api/sora/v1/videos/${id}/content`, {
        redirect: 'manual',
      });
      expect(answer.status).toBe(302);
      expect(answer.headers.get('location')).toMatch(new RegExp(`^${gateway.filesUrl}/f/${id}`));
    } finally {
      await redirecting.close();
    }
  });

  test('a link that carries the key, in any form core redacts, is refused and never fetched', async () => {
    const { id } = await gwApp.client('alice').videos.create({ prompt: 'x' });
    const forms = [KEY, KEY.toUpperCase(), encodeURIComponent(`Bearer ${KEY}`), `bearer%20${KEY}`];
    for (const form of forms) {
      const before = gateway.filesRequests.length;
      gateway.canned.push({
        path: /\/content/,
        status: 200,
        body: { url: `${gateway.filesUrl}/f/${id}?token=${form}` },
      });
      const answer = await gwApp.as('alice', `/api/sora/v1/videos/${id}/content`);
      expect(answer.status, form).toBe(502);
      const text = await answer.text();
      expect(JSON.parse(text).error.code).toBe('unsafe_link');
      expect(text.toLowerCase()).not.toContain(KEY.toLowerCase());
      expect(gateway.filesRequests.length).toBe(before);
    }
  });

  test('a link to a private address is refused when the API is public (core checkLink)', async () => {
    // The API is reached as a public name; its links point at loopback, as an SSRF attempt would.
    const publicName = 'api.sora-gateway.example';
    const viaPublicName: typeof fetch = (input, init) => {
      const url = new URL(String(input));
      if (url.hostname === publicName) return fetch(`${gateway.url}${url.pathname}${url.search}`, init);
      return fetch(input, init);
    };
    const ssrf = await startApp({ baseUrl: `http://${publicName}`, fetch: viaPublicName });
    try {
      const { id } = await ssrf.client('alice').videos.create({ prompt: 'x' });
      const before = gateway.filesRequests.length;
      const answer = await ssrf.as('alice', `/api/sora/v1/videos/${id}/content`);
      expect(answer.status).toBe(502);
      expect((await answer.json()).error.code).toBe('unsafe_link');
      expect(gateway.filesRequests.length).toBe(before);
    } finally {
      await ssrf.close();
    }
  });
});

describe('a browser that goes away', () => {
  test('closes the upstream download within 1 s', async () => {
    let closedAt = 0;
    let opened: IncomingMessage | undefined;
    const slowApi = createServer((req, res) => {
      opened = req;
      req.socket.on('close', () => {
        closedAt = performance.now();
      });
      res.writeHead(200, { 'content-type': 'video/mp4' });
      res.write(new Uint8Array(64 * 1024)); // then nothing: a stalled download
    });
    const apiUrl = await listen(slowApi);
    const store = memoryStore();
    const limits = { maxInFlight: 1, maxPerWindow: 1, windowMs: 60_000 };
    const slot = await store.reserve({
      userId: 'alice',
      kind: 'video',
      limits,
      now: Date.now(),
      ttlMs: 60_000,
    });
    if (!slot.ok) throw new Error('no slot');
    await store.commit(slot.reservation, {
      userId: 'alice',
      id: 'video_slow',
      kind: 'video',
      createdAt: Date.now(),
    });
    const slowApp = await startApp({ baseUrl: apiUrl, store });
    try {
      const controller = new AbortController();
      const response = await slowApp.as('alice', '/api/sora/v1/videos/video_slow/content', {
        signal: controller.signal,
      });
      const reader = response.body!.getReader();
      await reader.read();
      expect(opened).toBeDefined();
      const abortedAt = performance.now();
      controller.abort();
      await expect.poll(() => closedAt, { timeout: 5000, interval: 20 }).toBeGreaterThan(0);
      expect(closedAt - abortedAt).toBeLessThan(1000);
    } finally {
      await slowApp.close();
      await closeServer(slowApi);
    }
  });
});

describe('multipart uploads', () => {
  test('stream through to the API (an extension of an uploaded MP4)', async () => {
    const alice = app.client('alice');
    const source = await alice.videos.createAndPoll({ prompt: 'source' });
    const mp4 = await (await alice.videos.downloadContent(source.id)).arrayBuffer();
    const form = new FormData();
    form.set('video', new Blob([mp4], { type: 'video/mp4' }), 'clip.mp4');
    form.set('prompt', 'and then');
    form.set('seconds', '4');
    const response = await app.as('alice', '/api/sora/v1/videos/extensions', { method: 'POST', body: form });
    expect(response.status).toBe(200);
    const job = await response.json();
    expect((await alice.videos.retrieve(job.id)).id).toBe(job.id); // recorded as alice's
  });

  test('over the cap: 413, and the API never gets a whole body', async () => {
    const capped = await startApp({ baseUrl: emu.url, policy: { maxUploadBytes: 100_000 } });
    try {
      const form = new FormData();
      form.set('prompt', 'big');
      form.set('input_reference', new Blob([new Uint8Array(300_000)], { type: 'image/png' }), 'big.png');
      const before = emu.requests().length;
      const response = await capped.as('alice', '/api/sora/v1/videos', { method: 'POST', body: form });
      expect(response.status).toBe(413);
      expect((await response.json()).error.code).toBe('request_too_large');
      // A body streamed without a length is cut at the cap too.
      const chunks = new ReadableStream({
        start(controller) {
          const boundary = '----x';
          controller.enqueue(
            new TextEncoder().encode(
              `--${boundary}\r\nContent-Disposition: form-data; name="input_reference"; filename="a.png"\r\n\r\n`,
            ),
          );
          for (let i = 0; i < 10; i++) controller.enqueue(new Uint8Array(50_000));
          controller.close();
        },
      });
      const streamed = await capped.as('alice', '/api/sora/v1/videos', {
        method: 'POST',
        body: chunks,
        headers: { 'content-type': 'multipart/form-data; boundary=----x' },
        // @ts-expect-error Node's fetch needs duplex for a stream body
        duplex: 'half',
      });
      expect(streamed.status).toBe(413);
      expect(emu.requests().filter((r) => r.method === 'POST').length).toBe(
        emu
          .requests()
          .slice(0, before)
          .filter((r) => r.method === 'POST').length,
      );
    } finally {
      await capped.close();
    }
  });
});
