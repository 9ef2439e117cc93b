import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraClient, PollTimeoutError, redact, VideoFailedError } from './index.js';
import { KEY, useEmulator } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';
import { type RawServer, startRawServer } from './test-support/raw-server.js';

const t = useEmulator();
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway({ apiKey: 'sk-the-right-one-0000' });
});
afterAll(() => gw.close());

/** Every way a value can be shown. */
const views = (value: unknown) => [
  String(value),
  (value as Error)?.stack ?? '',
  JSON.stringify(value) ?? '',
  inspect(value, { depth: Number.POSITIVE_INFINITY, showHidden: true, getters: true }),
  inspect((value as Error)?.cause, { depth: Number.POSITIVE_INFINITY, showHidden: true }),
];

describe('the API key never shows', () => {
  test('not in the client, however it is inspected', () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: t.emu.url });
    for (const view of views(client)) expect(view).not.toContain(KEY);
    for (const view of views(client.videos)) expect(view).not.toContain(KEY);
  });

  test('not in an error whose message, body and headers echo it', async () => {
    // This gateway answers a wrong key with "Incorrect API key provided: <key>".
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url, maxRetries: 0 });
    const error = await client.videos.retrieve('video_1').catch((e) => e);
    expect(error.status).toBe(401);
    expect(error.message).toContain('[redacted]');
    for (const view of views(error)) expect(view).not.toContain(KEY);
    gw.canned.push({
      status: 500,
      headers: { 'x-echo': `you sent ${KEY}` },
      body: { error: { message: KEY, type: KEY } },
    });
    const echoed = await client.videos.retrieve('video_1').catch((e) => e);
    expect(echoed.headers.get('x-echo')).toBe('you sent [redacted]');
    for (const view of views(echoed)) expect(view).not.toContain(KEY);
  });

  test('not in errors of every other kind', async () => {
    const errors = [
      await createSoraClient({ apiKey: KEY, baseUrl: 'http://127.0.0.1:9', maxRetries: 0 })
        .videos.retrieve('video_1')
        .catch((e) => e),
      await t.client.videos.retrieve('video_missing').catch((e) => e),
      await t.client.videos.create({ prompt: 'a', seconds: '5' as never }).catch((e) => e),
      await t.client.videos.retrieve('video_1', { signal: AbortSignal.abort() }).catch((e) => e),
      await createSoraClient({ apiKey: `${KEY}\r\n`, baseUrl: gw.url })
        .videos.retrieve('video_1')
        .catch((e) => e),
    ];
    for (const error of errors) {
      expect(error).toBeInstanceOf(Error);
      for (const view of views(error)) expect(view).not.toContain(KEY);
    }
  });

  test('not sent to the emulator log or anywhere but the Authorization header', async () => {
    await t.client.videos.create({ prompt: 'a tiger' });
    expect(JSON.stringify(t.emu.requests())).not.toContain(KEY);
  });
});

describe('the API key never shows, whatever the server sends', () => {
  let raw: RawServer;
  let answer: (res: import('node:http').ServerResponse) => void;
  beforeAll(async () => {
    raw = await startRawServer((_req, res) => answer(res));
  });
  afterAll(() => raw.close());
  const client = (apiKey = KEY) => createSoraClient({ apiKey, baseUrl: raw.url, maxRetries: 0 });
  const job = (fields: object) => ({
    id: 'video_1',
    object: 'video',
    created_at: 1,
    status: 'queued',
    progress: 0,
    model: 'sora-2',
    seconds: '4',
    size: '720x1280',
    ...fields,
  });
  const json = (body: unknown, status = 200, headers: Record<string, string> = {}) => {
    answer = (res) =>
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
  };

  test('a 200 that is not JSON and quotes the key (also where a cut-short excerpt would split it)', async () => {
    for (const at of [0, 70, 75, 200]) {
      answer = (res) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end(`${'x'.repeat(at)}${KEY}</html>`);
      const error = await client()
        .videos.retrieve('video_1')
        .catch((e) => e);
      expect(error.status).toBe(200);
      for (const view of views(error)) {
        expect(view).not.toContain(KEY);
        expect(view).not.toContain(KEY.slice(0, 10)); // not even the start of it
      }
    }
  });

  test('a failed job whose error.message quotes the key: VideoFailedError, its message and its video', async () => {
    json(job({ status: 'failed', error: { code: 'bad', message: `Key ${KEY} is banned` } }));
    const error = await client()
      .videos.poll('video_1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(VideoFailedError);
    expect(error.message).toContain('[redacted]');
    expect(error.video.error.message).toBe('Key [redacted] is banned');
    for (const view of views(error)) expect(view).not.toContain(KEY);
  });

  test('a PollTimeoutError whose job quotes the key', async () => {
    json(job({ prompt: `echo ${KEY}`, status: `queued-${KEY}` }));
    const error = await client()
      .videos.poll('video_1', { timeout: 1 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(PollTimeoutError);
    for (const view of views(error)) expect(view).not.toContain(KEY);
  });

  test('a cause chain quoting the key (a redirect to an invalid URL made of it)', async () => {
    answer = (res) => res.writeHead(302, { location: `http://[${KEY}]/x` }).end();
    const error = await client()
      .videos.retrieve('video_1')
      .catch((e) => e);
    expect(error.name).toBe('APIConnectionError');
    expect(error.cause).toBeDefined();
    for (const view of views(error)) expect(view).not.toContain(KEY);
  });

  test('the Bearer form (even of a key too short to scrub alone) and the URL-encoded key', async () => {
    const short = 'k-12ab';
    json({ error: { message: `Bad header Authorization: Bearer ${short}` } }, 401, {
      'x-seen': `Bearer ${short}`,
    });
    const error = await client(short)
      .videos.retrieve('video_1')
      .catch((e) => e);
    expect(error.status).toBe(401);
    expect(error.message).toContain('Bearer [redacted]');
    for (const view of views(error)) expect(view).not.toContain(`Bearer ${short}`);

    const special = 'sk-test+Zq8/vN3=kLp0&Wx7';
    for (const echoed of [
      encodeURIComponent(special),
      encodeURIComponent(special).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
    ]) {
      json({ error: { message: `No such key: ${echoed}` } }, 401, { 'x-echo': echoed });
      const encoded = await client(special)
        .videos.retrieve('video_1')
        .catch((e) => e);
      expect(encoded.message).toContain('[redacted]');
      for (const view of views(encoded)) {
        expect(view).not.toContain(echoed);
        expect(view).not.toContain(special);
      }
    }
  });

  test('errors of list pages and downloads pass through the same scrubbing', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/plain' }).end(`nope ${KEY}`);
    const page = await Promise.resolve(client().videos.list()).catch((e) => e);
    const iterated = await (async () => {
      for await (const _ of client().videos.list()) break;
    })().catch((e) => e);
    json({ url: `https://files.example/${KEY}`, status: 'ready' }, 200);
    const download = await createSoraClient({
      apiKey: KEY,
      baseUrl: raw.url,
      maxRetries: 0,
      fetch: (input, init) =>
        String(input).startsWith(raw.url)
          ? fetch(input, init)
          : Promise.reject(new TypeError(`cannot reach ${String(input)}`)),
    })
      .videos.downloadContent('video_1')
      .catch((e) => e);
    for (const error of [page, iterated, download]) {
      expect(error).toBeInstanceOf(Error);
      for (const view of views(error)) expect(view).not.toContain(KEY);
    }
  });

  test('every method of client.videos scrubs its errors (each is attacked, none left out)', async () => {
    json({ error: { message: `bad key ${KEY}`, param: KEY } }, 400, { 'x-echo': KEY });
    const v = client().videos;
    const file = new Blob(['x'], { type: 'video/mp4' });
    const calls: Record<keyof typeof v, () => PromiseLike<unknown>> = {
      create: () => v.create({ prompt: 'a' }),
      retrieve: () => v.retrieve('video_1'),
      list: () => v.list(),
      delete: () => v.delete('video_1'),
      remix: () => v.remix('video_1', { prompt: 'a' }),
      edit: () => v.edit({ prompt: 'a', video: { id: 'video_1' } }),
      extend: () => v.extend({ prompt: 'a', video: { id: 'video_1' }, seconds: '4' }),
      createCharacter: () => v.createCharacter({ name: 'a', video: file }),
      getCharacter: () => v.getCharacter('char_1'),
      downloadContent: () => v.downloadContent('video_1'),
      contentLink: () => v.contentLink('video_1'),
      poll: () => v.poll('video_1'),
      createAndPoll: () => v.createAndPoll({ prompt: 'a' }),
    };
    expect(Object.keys(calls).sort()).toEqual(Object.keys(v).sort());
    for (const [name, call] of Object.entries(calls)) {
      const error = await Promise.resolve(call()).then(
        () => undefined,
        (e: { status?: number }) => e,
      );
      expect(error, name).toBeInstanceOf(Error);
      expect(error?.status, name).toBe(400);
      for (const view of views(error)) expect(view, name).not.toContain(KEY);
    }
  });
});

describe('redact (exported, for servers and tools built on the client)', () => {
  test('scrubs a runtime error chain by copy, and leaves what does not mention the key alone', () => {
    const inner = Object.assign(new TypeError(`bad ${KEY}`), {
      input: `http://x/?k=${encodeURIComponent(KEY)}`,
    });
    const outer = new Error('fetch failed', { cause: inner });
    const clean = redact(outer, KEY);
    for (const view of views(clean)) expect(view).not.toContain(KEY);
    expect((clean.cause as Error).name).toBe('TypeError');
    expect((clean.cause as { input: string }).input).toBe('http://x/?k=[redacted]');
    const untouched = new Error('nothing secret');
    expect(redact(untouched, KEY)).toBe(untouched);
    expect(redact({ a: [`Bearer ${KEY}`] }, KEY)).toEqual({ a: ['Bearer [redacted]'] });
  });

  test('a key made of pattern characters is matched as text, never as a pattern', () => {
    const key = `sk-.*+?^$${'{}'}()|[]\\/-é😀 x`; // every pattern character, `${` included
    expect(redact(`a ${key} b`, key)).toBe('a [redacted] b');
    expect(redact(`a ${key.toUpperCase()} b`, key)).toBe('a [redacted] b');
    expect(redact(`a ${JSON.stringify(key)} b`, key)).toBe('a "[redacted]" b');
    expect(redact(`a ${encodeURIComponent(key)} b`, key)).toBe('a [redacted] b');
    // What the key would match if it were read as a pattern stays as it is.
    const lookalike = 'sk-a.b+cd';
    expect(redact('sk-aXbbbcd sk-abcd', lookalike)).toBe('sk-aXbbbcd sk-abcd');
    expect(redact('(sk-a.b+cd)', lookalike)).toBe('([redacted])');
  });
});
