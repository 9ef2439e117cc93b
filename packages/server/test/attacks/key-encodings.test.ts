// Issue 19: an API error or failed job quoting the key in another spelling (JSON `\u` escapes, wholly or
// just its `-`; percent-encoded; base64 of the key or of `Bearer <key>` in any alignment) must not reach
// the page, neither in the text nor once the page has decoded it.
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { memoryStore } from '../../src/index.js';
import { type App, closeServer, KEY, listen, own, startApp } from '../support.js';

const u = (c: string) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
const pct = (c: string) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`;
const b64 = (text: string) => Buffer.from(text).toString('base64');
const b64url = (text: string) => Buffer.from(text).toString('base64url');

/** How the hostile API spells the key inside its JSON text. */
const FORMS: Record<string, string> = {
  'all \\u escapes': [...KEY].map(u).join(''),
  'its - as \\u002d': KEY.replaceAll('-', '\\u002d'),
  'its - as \\u002D': KEY.replaceAll('-', '\\u002D'),
  'all percent-encoded': [...KEY].map(pct).join(''),
  'its - as %2D': KEY.replaceAll('-', '%2D'),
  'base64 of the key': b64(KEY),
  'base64url of Bearer key': b64url(`Bearer ${KEY}`),
  'base64 of Basic user:key': b64(`user:${KEY}`),
  'base64 of xy+key': b64(`xy${KEY}`),
};

let api: Server;
let app: App;
beforeAll(async () => {
  api = createServer((req, res) => {
    const index = Number(/video_(\d+)/.exec(req.url ?? '')?.[1]);
    const spelled = Object.values(FORMS)[index] ?? '';
    if (index % 2) {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(
        `{"error":{"message":"bad key ${spelled}","type":"invalid_request_error","param":null,"code":null}}`,
      );
    } else {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        `{"id":"video_${index}","object":"video","status":"failed","error":{"code":"x","message":"key=${spelled}"},"${spelled}":1}`,
      );
    }
  });
  const store = memoryStore();
  await own(
    store,
    'alice',
    Object.keys(FORMS).map((_, i) => `video_${i}`),
  );
  app = await startApp({ baseUrl: await listen(api), store });
});
afterAll(async () => {
  await app?.close();
  await closeServer(api);
});

describe('the key in any spelling never reaches the page', () => {
  test.each(Object.entries(FORMS).map(([name, form], i) => [name, form, i] as const))(
    '%s',
    async (_name, form, index) => {
      const answer = await app.as('alice', `/api/sora/v1/videos/video_${index}`);
      const text = await answer.text();
      expect(text).not.toContain(form);
      const decoded = JSON.stringify(JSON.parse(text), (_key, value) =>
        typeof value === 'string'
          ? decodeURIComponent(value.replaceAll('%', '%25').replace(/%25([0-9A-F]{2})/gi, '%$1'))
          : value,
      );
      expect(decoded).not.toContain(KEY);
      // Every long base64-looking run of the answer, decoded (both alphabets), does not hold the key.
      for (const run of text.match(/[A-Za-z0-9+/_-]{16,}/g) ?? []) {
        for (const shift of ['', 'A', 'AA', 'AAA']) {
          expect(Buffer.from(shift + run, 'base64').toString('latin1')).not.toContain(KEY.slice(4, 20));
          expect(Buffer.from(shift + run, 'base64url').toString('latin1')).not.toContain(KEY.slice(4, 20));
        }
      }
      expect(text).toContain('[redacted]');
    },
  );
});
