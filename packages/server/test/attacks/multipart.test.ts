// Issue 19: a multipart body read one way by the handler and another by the API. The handler now writes
// the upload again from the parts it judged (its own boundary and headers), and refuses whatever parsers
// may read differently. What the API receives is recorded by a `fetch` that reads the body as the API's
// own parser (the emulator's, and undici's formData()) would.
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type App, emulator, startApp } from '../support.js';

let emu: RunningEmulator;
let app: App;
/** Each upstream POST: its content type and body bytes. */
const sent: { path: string; type: string; body: Buffer }[] = [];
const recording: typeof fetch = async (input, init) => {
  if (init?.body == null) return fetch(input, init);
  const body = Buffer.from(await new Response(init.body).arrayBuffer());
  const type = new Headers(init.headers).get('content-type') ?? '';
  sent.push({ path: new URL(String(input)).pathname, type, body });
  return fetch(input, { ...init, body });
};

beforeAll(async () => {
  emu = await emulator();
  app = await startApp({
    baseUrl: emu.url,
    fetch: recording,
    policy: { maxInFlight: 50, maxJobsPerWindow: 100 },
  });
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

const post = (user: string, path: string, body: string) =>
  app.as(user, `/api/sora/v1/videos${path}`, {
    method: 'POST',
    headers: { 'content-type': 'multipart/form-data; boundary=B' },
    body,
  });
const field = (name: string, value: string) =>
  `--B\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

describe('a second Content-Disposition (space before the colon) smuggles a field', () => {
  test('model=sora-2-pro past the policy: refused, and the API sees nothing', async () => {
    const before = sent.length;
    const body = `${field('prompt', 'a cat')}--B\r\nContent-Disposition: form-data; name="x1"\r\nContent-Disposition : form-data; name="model"\r\n\r\nsora-2-pro\r\n--B--\r\n`;
    const answer = await post('mallory', '', body);
    expect(answer.status).toBe(400);
    expect((await answer.json()).error.code).toBe('invalid_multipart');
    expect(sent.length).toBe(before);
    expect(emu.videos().some((v) => v.model === 'sora-2-pro')).toBe(false);
  });

  test("video[id] of another user's video: bob cannot extend alice's", async () => {
    const alice = await app.client('alice').videos.createAndPoll({ prompt: 'mine' });
    const before = emu.videos().length;
    for (const separator of [' ', '\t']) {
      const body = `${field('prompt', 'more')}${field('seconds', '4')}--B\r\nContent-Disposition: form-data; name="video"; filename="a.mp4"\r\nContent-Disposition${separator}: form-data; name="video[id]"\r\n\r\n${alice.id}\r\n--B--\r\n`;
      const answer = await post('bob', '/extensions', body);
      expect(answer.status).toBe(400);
    }
    expect(emu.videos().length).toBe(before);
  });
});

describe('whatever parsers may read differently is refused (400 invalid_multipart)', () => {
  const D = 'Content-Disposition: form-data';
  test.each([
    ['a folded header (obs-fold)', `--B\r\n${D};\r\n name="prompt"\r\n\r\nx\r\n`],
    ['a repeated Content-Disposition', `--B\r\n${D}; name="prompt"\r\n${D}; name="model"\r\n\r\nx\r\n`],
    [
      'a repeated Content-Type',
      `--B\r\n${D}; name="prompt"\r\nContent-Type: text/plain\r\nContent-Type: text/plain\r\n\r\nx\r\n`,
    ],
    [
      'a bare LF inside the headers',
      `--B\r\n${D}; name="prompt"\nContent-Disposition: form-data; name="model"\r\n\r\nx\r\n`,
    ],
    ['a repeated name parameter', `--B\r\n${D}; name="prompt"; name="model"\r\n\r\nx\r\n`],
    ['filename*', `--B\r\n${D}; name="input_reference"; filename*=UTF-8''a.png\r\n\r\nx\r\n`],
    ['an escaped quote', `--B\r\n${D}; name="pro\\"mpt"\r\n\r\nx\r\n`],
    ['a field twice', `${field('prompt', 'a')}${field('prompt', 'b')}`],
    [
      'a charset other than UTF-8',
      `--B\r\n${D}; name="prompt"\r\nContent-Type: text/plain; charset=utf-16le\r\n\r\nx\r\n`,
    ],
    [
      'a transfer encoding',
      `--B\r\n${D}; name="prompt"\r\nContent-Transfer-Encoding: base64\r\n\r\neA==\r\n`,
    ],
  ])('%s', async (_name, parts) => {
    const before = sent.length;
    const answer = await post('mallory', '', `${field('seconds', '4')}${parts}--B--\r\n`);
    expect(answer.status).toBe(400);
    expect((await answer.json()).error.code).toBe('invalid_multipart');
    expect(sent.length).toBe(before);
  });
});

describe('the API gets exactly the judged parts, written again', () => {
  test("own boundary, own headers; no preamble, epilogue or part headers of the client's", async () => {
    const source = await app.client('carol').videos.createAndPoll({ prompt: 'source' });
    const mp4 = Buffer.from(
      await (await app.client('carol').videos.downloadContent(source.id)).arrayBuffer(),
    );
    const before = sent.length;
    const head = Buffer.from(
      `preamble the API must not see\r\n--B \t\r\nContent-Disposition: form-data; name="video"; filename="clip.mp4"\r\nContent-Type: video/mp4; x-secret=1\r\nX-Extra: smuggled\r\n\r\n`,
    );
    const tail = Buffer.from(
      `\r\n${field('prompt', 'and then')}${field('seconds', '4')}--B--\r\nepilogue\r\n`,
    );
    const answer = await app.as('carol', '/api/sora/v1/videos/extensions', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=B' },
      body: new Uint8Array(Buffer.concat([head, mp4, tail])),
    });
    expect(answer.status).toBe(200);
    const job = await answer.json();
    expect(emu.videos().some((v) => v.id === job.id)).toBe(true);
    const upstream = sent.slice(before).find((r) => r.path === '/v1/videos/extensions')!;
    expect(upstream.type).toMatch(/^multipart\/form-data; boundary=sora-kit-[0-9a-f]{32}$/);
    const text = upstream.body.toString('latin1');
    for (const gone of ['preamble', 'epilogue', 'X-Extra', 'x-secret', '--B\r\n'])
      expect(text).not.toContain(gone);
    const form = await new Response(new Uint8Array(upstream.body), {
      headers: { 'content-type': upstream.type },
    }).formData();
    expect([...form.keys()].sort()).toEqual(['prompt', 'seconds', 'video']);
    const video = form.get('video') as File;
    expect(video.name).toBe('clip.mp4');
    expect(video.type).toBe('video/mp4');
    expect(Buffer.from(await video.arrayBuffer()).equals(mp4)).toBe(true);
  });
});
