// Every answer the handler gives validates against spec/openapi.yaml: each operation's successes, the
// API's errors relayed, the shared table of mistakes (the same envelope the emulator answers), and the
// handler's own refusals (401, 403, 405, 408, 413, 415, 421, 500, 502). Media bytes are compared with the API's
// own, byte for byte. Each refusal's status and type are the ones src/refusals.ts gives its code.
import type { RunningEmulator } from '@sora-kit/emulator';
import { MISTAKES, mistakeRequest } from '@sora-kit/test-support/mistakes';
import { loadSpecAnswers } from '@sora-kit/test-support/spec-answers';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraHandler } from '../src/index.js';
import { REFUSALS } from '../src/refusals.js';
import { type App, emulator, KEY, startApp } from './support.js';

const spec = loadSpecAnswers();
let emu: RunningEmulator;
let app: App;
let video: string;
/** `METHOD template status` of every answer checked. */
const seen = new Set<string>();

beforeAll(async () => {
  emu = await emulator();
  app = await startApp({
    baseUrl: emu.url,
    policy: { maxInFlight: 50, maxJobsPerWindow: 200, maxUploadBytes: 4 * 1024 * 1024 },
  });
  const made = await checked('alice', 'POST', '/v1/videos', { json: { prompt: 'a tiger', seconds: '4' } });
  video = made.body.id;
  for (;;) {
    const { body } = await checked('alice', 'GET', `/v1/videos/${video}`);
    if (body.status === 'completed') break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
});
afterAll(async () => {
  await app?.close();
  await emu?.close();
});

interface Checked {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: a JSON answer, read field by field in the tests
  body: any;
  bytes?: Uint8Array;
}

/** Answers a request and checks it against the spec (and the refusal table for the handler's codes). */
async function answerOf(response: Response, method: string, path: string): Promise<Checked> {
  const contentType = response.headers.get('content-type');
  const bytes = new Uint8Array(await response.arrayBuffer());
  const json = /json/.test(contentType ?? '');
  const body = json && bytes.length ? JSON.parse(new TextDecoder().decode(bytes)) : undefined;
  const headers = [...response.headers.keys()];
  const pathname = new URL(path, 'http://x').pathname;
  expect(spec.problems(method, pathname, { status: response.status, contentType, body, headers })).toEqual(
    [],
  );
  const code = body?.error?.code as string | undefined;
  if (code !== undefined && code in REFUSALS) {
    const { status, type } = REFUSALS[code as keyof typeof REFUSALS];
    expect({ code, status: response.status, type: body.error.type }).toEqual({ code, status, type });
  }
  seen.add(`${method} ${spec.template(pathname)} ${response.status}`);
  return { status: response.status, headers: response.headers, body, bytes: json ? undefined : bytes };
}

/** A request as `user`'s page sends it (cookie, same-origin Origin), its answer checked. */
async function checked(
  user: string | null,
  method: string,
  path: string,
  init: { json?: unknown; body?: BodyInit; headers?: Record<string, string> } = {},
): Promise<Checked> {
  const headers: Record<string, string> = { origin: app.url, ...init.headers };
  if (user) headers.cookie = `session=${user}`;
  let body = init.body;
  if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${app.url}/api/sora${path}`, { method, headers, body });
  return answerOf(response, method, path);
}

/** The same download straight from the API, to compare bytes. */
async function upstreamBytes(path: string, range?: string): Promise<Uint8Array<ArrayBuffer>> {
  const response = await fetch(`${emu.url}${path}`, {
    headers: { authorization: `Bearer ${KEY}`, ...(range ? { range } : {}) },
  });
  return new Uint8Array(await response.arrayBuffer());
}

describe('every operation answers what the spec declares', () => {
  test('successes: list, create (JSON, multipart), retrieve, content, remix, edits, extensions, characters, delete', async () => {
    expect((await checked('alice', 'GET', '/v1/videos?limit=0')).body).toEqual({
      object: 'list',
      data: [],
      first_id: null,
      last_id: null,
      has_more: true,
    });
    expect((await checked('alice', 'GET', '/v1/videos?limit=1&order=asc')).body.data).toHaveLength(1);
    const form = new FormData();
    form.set('prompt', 'a fox');
    form.set('seconds', '4');
    const multipart = await checked('alice', 'POST', '/v1/videos', { body: form });
    expect(multipart.status).toBe(200);
    for (const variant of ['', '?variant=video', '?variant=thumbnail', '?variant=spritesheet']) {
      const path = `/v1/videos/${video}/content${variant}`;
      const media = await checked('alice', 'GET', path);
      expect(media.status).toBe(200);
      expect(Buffer.from(media.bytes!).equals(await upstreamBytes(path))).toBe(true);
    }
    const path = `/v1/videos/${video}/content`;
    const ranged = await checked('alice', 'GET', path, { headers: { range: 'bytes=100-1099' } });
    expect(ranged.status).toBe(206);
    expect(Buffer.from(ranged.bytes!).equals(await upstreamBytes(path, 'bytes=100-1099'))).toBe(true);
    expect((await checked('alice', 'GET', path, { headers: { range: 'bytes=999999999-' } })).status).toBe(
      416,
    );

    const remix = await checked('alice', 'POST', `/v1/videos/${video}/remix`, {
      json: { prompt: 'at night' },
    });
    expect(remix.body.remixed_from_video_id).toBe(video);
    const remixForm = new FormData();
    remixForm.set('prompt', 'in the snow');
    const remixed = await checked('alice', 'POST', `/v1/videos/${video}/remix`, { body: remixForm });
    expect(remixed).toMatchObject({ status: 200, body: { remixed_from_video_id: video } });
    const edit = { prompt: 'make it a wolf', video: { id: video } };
    expect((await checked('alice', 'POST', '/v1/videos/edits', { json: edit })).status).toBe(200);
    const extension = { prompt: 'on', seconds: '4', video: { id: video } };
    expect((await checked('alice', 'POST', '/v1/videos/extensions', { json: extension })).status).toBe(200);

    const mp4 = await upstreamBytes(`/v1/videos/${video}/content`);
    const character = new FormData();
    character.set('name', 'Stripes');
    character.set('video', new Blob([mp4], { type: 'video/mp4' }), 'stripes.mp4');
    const made = await checked('alice', 'POST', '/v1/videos/characters', { body: character });
    expect(made.status).toBe(200);
    expect((await checked('alice', 'GET', `/v1/videos/characters/${made.body.id}`)).body).toEqual(made.body);

    expect((await checked('alice', 'DELETE', `/v1/videos/${multipart.body.id}`)).body).toMatchObject({
      deleted: true,
    });
  });

  test.each(MISTAKES.map((m) => [m.name, m] as const))('the shared mistake: %s', async (_name, mistake) => {
    const [url, init] = mistakeRequest(mistake, `${app.url}/api/sora`, video, {
      cookie: 'session=alice',
      origin: app.url,
    });
    const answer = await answerOf(
      await fetch(url, init),
      mistake.method,
      mistake.path.replace('{video}', video),
    );
    expect({ status: answer.status, code: answer.body.error.code, param: answer.body.error.param }).toEqual({
      status: mistake.status,
      code: mistake.code,
      param: mistake.param,
    });
  });

  test("the handler's own refusals and the API's failures (409, 429, no content)", async () => {
    const expectCode = (answer: Checked, status: number, code: string) =>
      expect({ status: answer.status, code: answer.body?.error?.code }).toEqual({ status, code });
    expectCode(await checked(null, 'GET', '/v1/videos'), 401, 'unauthenticated');
    expectCode(await checked(null, 'POST', '/v1/videos', { json: { prompt: 'x' } }), 401, 'unauthenticated');
    const evil = { origin: 'http://evil.example' };
    expectCode(
      await checked('alice', 'POST', '/v1/videos', { json: { prompt: 'x' }, headers: evil }),
      403,
      'cross_site_request',
    );
    expectCode(
      await checked('alice', 'DELETE', `/v1/videos/${video}`, { headers: evil }),
      403,
      'cross_site_request',
    );
    expectCode(
      await checked('alice', 'GET', `/v1/videos/${video}`, {
        headers: { ...evil, 'sec-fetch-site': 'cross-site' },
      }),
      403,
      'cross_site_request',
    );
    const pro = { prompt: 'x', model: 'sora-2-pro' };
    expectCode(await checked('alice', 'POST', '/v1/videos', { json: pro }), 403, 'policy_violation');
    for (const [method, path] of [
      ['PUT', '/v1/videos'],
      ['PATCH', `/v1/videos/${video}`],
      ['POST', `/v1/videos/${video}/content`],
      ['DELETE', '/v1/videos/characters/char_1'],
    ] as const) {
      expectCode(await checked('alice', method, path), 405, 'method_not_allowed');
    }
    const text = { body: 'a tiger', headers: { 'content-type': 'text/plain' } };
    expectCode(await checked('alice', 'POST', '/v1/videos', text), 415, 'unsupported_media_type');
    expectCode(
      await checked('alice', 'POST', `/v1/videos/${video}/remix`, text),
      415,
      'unsupported_media_type',
    );
    expectCode(await checked('alice', 'POST', '/v1/videos/characters', text), 415, 'unsupported_media_type');
    const huge = new FormData();
    huge.set('prompt', 'x');
    huge.set('video', new Blob([new Uint8Array(5 * 1024 * 1024)], { type: 'video/mp4' }), 'huge.mp4');
    expectCode(await checked('alice', 'POST', '/v1/videos/edits', { body: huge }), 413, 'request_too_large');

    // The API's own refusals, relayed: a reused Idempotency-Key (409), a rate limit (429), not ready (400).
    const key = { 'idempotency-key': 'spec-answers-1' };
    const unread = await checked('alice', 'POST', '/v1/videos', { json: { prompt: 'one' }, headers: key });
    expect(
      (await checked('alice', 'POST', '/v1/videos', { json: { prompt: 'two' }, headers: key })).status,
    ).toBe(409);
    emu.faults.add({
      kind: 'rate-limit',
      times: 1,
      method: 'GET',
      path: `/v1/videos/${unread.body.id}`,
      retryAfterMs: 10,
    });
    // A job nobody has read yet: its first read goes upstream (a read of a fresh shared entry would not).
    expect((await checked('alice', 'GET', `/v1/videos/${unread.body.id}`)).status).toBe(429);
    // A job that failed (moderation) has no content, whenever it is asked.
    const blocked = await checked('alice', 'POST', '/v1/videos', {
      json: { prompt: 'a [moderation-block] scene' },
    });
    while ((await checked('alice', 'GET', `/v1/videos/${blocked.body.id}`)).body.status !== 'failed')
      await new Promise((resolve) => setTimeout(resolve, 25));
    expect((await checked('alice', 'GET', `/v1/videos/${blocked.body.id}/content`)).status).toBe(400);
  });

  test('a host the handler does not serve (421) and a body that never ends (408)', async () => {
    const rebound = { 'x-forwarded-host': 'attacker.example' };
    for (const [method, path] of [
      ['GET', '/v1/videos'],
      ['GET', `/v1/videos/${video}`],
      ['DELETE', `/v1/videos/${video}`],
    ] as const) {
      const answer = await checked('alice', method, path, { headers: rebound });
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({
        status: 421,
        code: 'unknown_host',
      });
    }
    // A body that sends its first bytes and then nothing: the handler answers at its deadline (the
    // test waits for that answer, not for a time).
    const slow = createSoraHandler({
      apiKey: KEY,
      baseUrl: emu.url,
      authorize: () => ({ userId: 'alice' }),
      bodyTimeoutMs: 100,
    });
    for (const path of ['/v1/videos', '/v1/videos/edits']) {
      const body = new ReadableStream({ start: (c) => c.enqueue(new TextEncoder().encode('{"prompt":')) });
      const request = new Request(`http://localhost/api/sora${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin: 'http://localhost' },
        body,
        duplex: 'half',
      } as RequestInit);
      const answer = await answerOf(await slow(request), 'POST', path);
      expect({ status: answer.status, code: answer.body.error.code }).toEqual({
        status: 408,
        code: 'request_timeout',
      });
      expect(answer.headers.get('connection')).toBe('close');
    }
  });

  test('an unreachable API (502) and a missing key (500)', async () => {
    const down = await startApp({ baseUrl: 'http://127.0.0.1:9', logger: { warn() {}, error() {} } });
    const noKey = await startApp({ baseUrl: emu.url, apiKey: '', logger: { warn() {}, error() {} } });
    try {
      for (const [target, status, code] of [
        [down, 502, 'upstream_unavailable'],
        [noKey, 500, 'not_configured'],
      ] as const) {
        const response = await target.as('alice', '/api/sora/v1/videos', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"prompt":"x"}',
        });
        const answer = await answerOf(response, 'POST', '/v1/videos');
        expect({ status: answer.status, code: answer.body.error.code }).toEqual({ status, code });
      }
    } finally {
      await down.close();
      await noKey.close();
    }
  });

  test('each refusal code has one status the spec declares, and the checks above saw every kind', () => {
    const declared = new Set(spec.declared().map(([, , status]) => Number(status)));
    for (const [code, { status }] of Object.entries(REFUSALS)) expect(declared, code).toContain(status);
    const statuses = new Set([...seen].map((entry) => Number(entry.split(' ').at(-1))));
    expect([...statuses].sort()).toEqual([
      200, 206, 400, 401, 403, 404, 405, 408, 409, 413, 415, 416, 421, 429, 500, 502,
    ]);
  });
});
