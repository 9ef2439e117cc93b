// A hostile API (or file host) answers /content with a type a browser would run (SVG with a script, HTML):
// only the spec's media types pass, always with nosniff and a sandboxing CSP.
import { createServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { type App, closeServer, listen, own, startApp } from '../support.js';

const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
const TYPES: Record<string, string> = {
  video_svg: 'image/svg+xml',
  video_html: 'text/html; charset=utf-8',
  video_mp4: 'video/mp4',
  video_webp: 'image/webp',
  video_octets: 'application/octet-stream',
};
let api: ReturnType<typeof createServer>;
let app: App;

beforeAll(async () => {
  // The API: answers each job's content with the type its id names.
  api = createServer((req, res) => {
    const id = /\/v1\/videos\/([^/]+)\/content/.exec(req.url ?? '')?.[1] ?? '';
    const type = TYPES[id] ?? 'video/mp4';
    res.writeHead(200, { 'content-type': type });
    res.end(type.includes('svg') ? SVG : 'bytes');
  });
  const apiUrl = await listen(api);
  const store = memoryStore();
  await own(store, 'alice', Object.keys(TYPES));
  app = await startApp({ baseUrl: apiUrl, store });
});
afterAll(async () => {
  await app?.close();
  await closeServer(api);
});

describe('/content passes only the media types the spec names', () => {
  test.each(['video_svg', 'video_html'])('%s is refused (502)', async (id) => {
    const answer = await app.as('alice', `/api/sora/v1/videos/${id}/content?variant=thumbnail`);
    expect(answer.status).toBe(502);
    expect(answer.headers.get('content-type')).toBe('application/json');
    const body = await answer.text();
    expect(body).not.toContain('<script>');
    expect(JSON.parse(body).error.code).toBe('unexpected_media_type');
  });

  test.each([
    ['video_mp4', 'video', 'video/mp4'],
    ['video_webp', 'thumbnail', 'image/webp'],
    ['video_octets', 'spritesheet', 'image/jpeg'],
  ])('%s (variant %s) is served as %s, nosniff, sandboxed', async (id, variant, type) => {
    const answer = await app.as('alice', `/api/sora/v1/videos/${id}/content?variant=${variant}`);
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe(type);
    expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
    expect(answer.headers.get('content-security-policy')).toBe("sandbox; default-src 'none'");
    expect(await answer.text()).toBe('bytes');
  });
});
