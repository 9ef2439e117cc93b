/**
 * Content serving end to end: real media checked with ffprobe for every size and duration, range and
 * validator handling, HEAD, and the `url` content mode with its second origin and signed links.
 */

import { ffprobe } from '@sora-kit/test-support/media';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { VideoContentLink } from './generated/openapi.js';
import { type RunningEmulator, startEmulator } from './index.js';
import { spritesheetGrid } from './media/index.js';
import { call, createVideo, type ErrorEnvelope, TEST_KEY, waitForStatus } from './test-support/http.js';

const auth = { authorization: `Bearer ${TEST_KEY}` };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Byte equality without vitest's element-by-element diffing, which takes seconds on megabytes. */
const sameBytes = (a: Uint8Array, b: Uint8Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(b);

async function download(url: string, headers: Record<string, string> = {}, method = 'GET') {
  const response = await fetch(url, { method, headers: { ...auth, ...headers } });
  return { response, bytes: new Uint8Array(await response.arrayBuffer()) };
}

describe('bytes mode', () => {
  let emulator: RunningEmulator;
  let videoId: string;
  let contentUrl: string;
  beforeAll(async () => {
    emulator = await startEmulator({ jobSeconds: 0.2 });
    videoId = (await createVideo(emulator.url, { size: '1280x720', seconds: '4' })).id;
    await waitForStatus(emulator.url, videoId, 'completed');
    contentUrl = `${emulator.url}/v1/videos/${videoId}/content`;
  });
  afterAll(() => emulator.close());

  it('serves media whose size and duration ffprobe confirms, for every size and duration', async () => {
    const sizes = [
      ['720x1280', 'sora-2'],
      ['1280x720', 'sora-2'],
      ['1024x1792', 'sora-2-pro'],
      ['1792x1024', 'sora-2-pro'],
    ] as const;
    const jobs = [];
    for (const [size, model] of sizes) {
      for (const seconds of ['4', '8', '12'] as const) {
        jobs.push({ size, seconds, id: (await createVideo(emulator.url, { size, model, seconds })).id });
      }
    }
    for (const job of jobs) {
      await waitForStatus(emulator.url, job.id, 'completed');
      const [width, height] = job.size.split('x').map(Number) as [number, number];
      const { response, bytes } = await download(`${emulator.url}/v1/videos/${job.id}/content`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('video/mp4');
      const probe = await ffprobe(bytes, 'mp4');
      expect(probe, `${job.size} ${job.seconds}s`).toMatchObject({ codecName: 'h264', width, height });
      expect(probe.formatName).toContain('mp4');
      expect(probe.durationSeconds).toBeCloseTo(Number(job.seconds), 1);
    }
    const [first] = jobs;
    if (!first) throw new Error('no jobs');
    const [width, height] = first.size.split('x').map(Number) as [number, number];
    const thumbnail = await download(`${emulator.url}/v1/videos/${first.id}/content?variant=thumbnail`);
    expect(thumbnail.response.headers.get('content-type')).toBe('image/webp');
    expect(await ffprobe(thumbnail.bytes, 'webp')).toMatchObject({ codecName: 'webp', width, height });
    const sheet = await download(`${emulator.url}/v1/videos/${first.id}/content?variant=spritesheet`);
    expect(sheet.response.headers.get('content-type')).toBe('image/jpeg');
    const grid = spritesheetGrid(width, height, Number(first.seconds));
    expect(await ffprobe(sheet.bytes, 'jpg')).toMatchObject({
      codecName: 'mjpeg',
      width: grid.width,
      height: grid.height,
    });
  }, 120_000); // 12 renders and 14 ffprobe runs: generous for a loaded CI machine.

  it('answers the whole file with Content-Length, a strong ETag and Accept-Ranges', async () => {
    const { response, bytes } = await download(contentUrl);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(bytes.length);
    expect(response.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
    expect(response.headers.get('accept-ranges')).toBe('bytes');
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    const again = await download(contentUrl);
    expect(again.response.headers.get('etag')).toBe(response.headers.get('etag'));
    expect(sameBytes(again.bytes, bytes)).toBe(true);
    const thumb = await download(`${contentUrl}?variant=thumbnail`);
    expect(thumb.response.headers.get('etag')).not.toBe(response.headers.get('etag'));
  });

  it('serves single ranges as 206 with Content-Range: first-last, open-ended and suffix', async () => {
    const { bytes: whole } = await download(contentUrl);
    const size = whole.length;
    const cases: [string, number, number][] = [
      ['bytes=0-99', 0, 99],
      ['bytes=1000-', 1000, size - 1],
      ['bytes=-500', size - 500, size - 1],
      [`bytes=${size - 10}-${size + 1000}`, size - 10, size - 1],
    ];
    for (const [range, first, last] of cases) {
      const { response, bytes } = await download(contentUrl, { range });
      expect(response.status, range).toBe(206);
      expect(response.headers.get('content-range')).toBe(`bytes ${first}-${last}/${size}`);
      expect(Number(response.headers.get('content-length'))).toBe(last - first + 1);
      expect(sameBytes(bytes, whole.subarray(first, last + 1))).toBe(true);
    }
  });

  it('answers 416 with Content-Range: bytes */SIZE past the end, and ignores ranges it may ignore', async () => {
    const { bytes: whole } = await download(contentUrl);
    const past = await fetch(contentUrl, { headers: { ...auth, range: `bytes=${whole.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${whole.length}`);
    expect(((await past.json()) as ErrorEnvelope).error.code).toBe('range_not_satisfiable');
    const backwards = await download(contentUrl, { range: 'bytes=500-100' });
    expect(backwards.response.status).toBe(200);
    expect(backwards.bytes.length).toBe(whole.length);
    // Several ranges do not match the spec's Range pattern: a 400 naming the header.
    const multi = await fetch(contentUrl, { headers: { ...auth, range: 'bytes=0-1,5-6' } });
    expect(multi.status).toBe(400);
    expect(((await multi.json()) as ErrorEnvelope).error.param).toBe('Range');
  });

  it('honours If-Range: a matching ETag gets the range, a stale one the whole new file', async () => {
    const { response, bytes: whole } = await download(contentUrl);
    const etag = response.headers.get('etag') ?? '';
    const fresh = await download(contentUrl, { range: 'bytes=10-19', 'if-range': etag });
    expect(fresh.response.status).toBe(206);
    expect(sameBytes(fresh.bytes, whole.subarray(10, 20))).toBe(true);
    const stale = await download(contentUrl, { range: 'bytes=10-19', 'if-range': '"an-older-version"' });
    expect(stale.response.status).toBe(200);
    expect(stale.bytes.length).toBe(whole.length);
    const dated = await download(contentUrl, {
      range: 'bytes=10-19',
      'if-range': 'Wed, 21 Oct 2015 07:28:00 GMT',
    });
    expect(dated.response.status).toBe(200);
  });

  it('answers HEAD with the headers only, and If-None-Match with 304', async () => {
    const { response: get, bytes } = await download(contentUrl);
    const { response: head, bytes: none } = await download(contentUrl, {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(none.length).toBe(0);
    expect(head.headers.get('content-length')).toBe(String(bytes.length));
    expect(head.headers.get('etag')).toBe(get.headers.get('etag'));
    const ranged = await download(contentUrl, { range: 'bytes=0-9' }, 'HEAD');
    expect(ranged.response.status).toBe(206);
    expect(ranged.response.headers.get('content-length')).toBe('10');
    const cached = await download(contentUrl, { 'if-none-match': get.headers.get('etag') ?? '' });
    expect(cached.response.status).toBe(304);
  });

  it('stops serving content after expires_at', async () => {
    const shortLived = await startEmulator({ jobSeconds: 0.1, contentTtlSeconds: 0 });
    try {
      const video = await createVideo(shortLived.url);
      // With no TTL the job expires the moment it completes.
      const done = await waitForStatus(shortLived.url, video.id, 'expired');
      expect(done.expires_at).toBe(done.completed_at);
      const gone = await call<ErrorEnvelope>(shortLived.url, `/v1/videos/${video.id}/content`);
      expect(gone.status).toBe(404);
      expect(gone.body.error.code).toBe('video_expired');
    } finally {
      await shortLived.close();
    }
  });
});

describe('url mode (the gpt.ge way)', () => {
  let emulator: RunningEmulator;
  let videoId: string;
  beforeAll(async () => {
    emulator = await startEmulator({
      jobSeconds: 0.2,
      contentMode: 'url',
      apiKey: 'sk-url-mode',
      // Long enough for the downloads of one test on a loaded machine (a link lasts 3 to 4 s).
      linkTtlSeconds: 4,
    });
    const headers = { authorization: 'Bearer sk-url-mode' };
    const created = await call<{ id: string }>(emulator.url, '/v1/videos', {
      method: 'POST',
      headers,
      json: { prompt: 'a link', size: '1280x720' },
    });
    videoId = created.body.id;
    for (;;) {
      const { body } = await call<{ status: string }>(emulator.url, `/v1/videos/${videoId}`, { headers });
      if (body.status === 'completed') break;
      await sleep(20);
    }
  });
  afterAll(() => emulator.close());

  const link = async (variant = 'video') =>
    (
      await call<VideoContentLink>(emulator.url, `/v1/videos/${videoId}/content?variant=${variant}`, {
        headers: { authorization: 'Bearer sk-url-mode' },
      })
    ).body;

  it('answers /content with JSON {id, url, expires_at, status: "ready"} on a second origin', async () => {
    const body = await link();
    expect(body).toEqual({
      id: videoId,
      url: expect.any(String),
      expires_at: expect.any(Number),
      status: 'ready',
    });
    expect(emulator.filesUrl).toBeDefined();
    expect(emulator.filesUrl).not.toBe(emulator.url);
    expect(body.url.startsWith(`${emulator.filesUrl}/files/`)).toBe(true);
    expect(body.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 4);
  });

  it('serves the file there without an API key (and with one), with ranges', async () => {
    const { url } = await link();
    const plain = await fetch(url);
    expect(plain.status).toBe(200);
    expect(plain.headers.get('content-type')).toBe('video/mp4');
    expect(plain.headers.get('content-disposition')).toBe(`inline; filename="${videoId}.mp4"`);
    const bytes = new Uint8Array(await plain.arrayBuffer());
    expect(await ffprobe(bytes, 'mp4')).toMatchObject({ width: 1280, height: 720 });
    // Fresh links from here: ffprobe may have outlived the first one on a loaded machine.
    const withKey = await fetch((await link()).url, { headers: { authorization: 'Bearer sk-someone-else' } });
    expect(withKey.status).toBe(200);
    await withKey.arrayBuffer();
    const ranged = await fetch((await link()).url, { headers: { range: 'bytes=4-7' } });
    expect(ranged.status).toBe(206);
    expect(new TextDecoder().decode(await ranged.arrayBuffer())).toBe('ftyp');
    const thumbnail = await fetch((await link('thumbnail')).url);
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    await thumbnail.arrayBuffer();
    expect(emulator.requests().filter((r) => r.origin === 'files').length).toBeGreaterThanOrEqual(4);
  });

  it('does not serve /files on the API origin when a second origin exists', async () => {
    const { url } = await link('spritesheet');
    expect((await fetch(url)).status).toBe(200);
    const onApi = url.replace(emulator.filesUrl ?? '', emulator.url);
    expect(onApi.startsWith(emulator.url)).toBe(true);
    expect((await fetch(onApi)).status).toBe(404);
  });

  it('refuses a forged link and an expired one with 403, and a deleted video with 404', async () => {
    const { url } = await link();
    // A character well inside the signature: the last one of base64url may only hold padding bits.
    const at = url.length - 10;
    const forged = `${url.slice(0, at)}${url[at] === 'A' ? 'B' : 'A'}${url.slice(at + 1)}`;
    const refused = await fetch(forged);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as ErrorEnvelope).error.code).toBe('invalid_signature');
    expect((await fetch(`${emulator.filesUrl}/files/garbage`)).status).toBe(403);

    // Links last linkTtlSeconds (4 s here); wait for this one to run out.
    const { url: old, expires_at: expiresAt } = await link();
    await sleep((expiresAt ?? 0) * 1000 - Date.now() + 50);
    const expired = await fetch(old);
    expect(expired.status).toBe(403);
    expect(((await expired.json()) as ErrorEnvelope).error.code).toBe('link_expired');

    const fresh = (await link()).url;
    await call(emulator.url, `/v1/videos/${videoId}`, {
      method: 'DELETE',
      headers: { authorization: 'Bearer sk-url-mode' },
    });
    expect((await fetch(fresh)).status).toBe(404);
  });
});

describe('url mode on a single origin (createEmulatorApp without a second listener)', () => {
  it('points links at the API origin, which then serves /files itself', async () => {
    const { createEmulatorApp } = await import('./index.js');
    const app = createEmulatorApp({ jobSeconds: 0, contentMode: 'url' });
    try {
      const headers = { authorization: 'Bearer k', 'content-type': 'application/json' };
      const created = await app.fetch(
        new Request('http://edge.example/v1/videos', { method: 'POST', headers, body: '{"prompt":"edge"}' }),
      );
      const { id } = (await created.json()) as { id: string };
      const linkAnswer = await app.fetch(
        new Request(`http://edge.example/v1/videos/${id}/content`, { headers }),
      );
      const { url } = (await linkAnswer.json()) as VideoContentLink;
      expect(url.startsWith('http://edge.example/files/')).toBe(true);
      const file = await app.fetch(new Request(url));
      expect(file.status).toBe(200);
      expect(file.headers.get('content-type')).toBe('video/mp4');
      expect((await file.arrayBuffer()).byteLength).toBe(Number(file.headers.get('content-length')));
    } finally {
      app.close();
    }
  });
});
