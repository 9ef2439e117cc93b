// The handler against the emulator, over real HTTP (Node adapter): the browser-mode client works through
// it, each user sees only their own jobs, the policy refuses before the paid call, and nothing else is open.
import type { RunningEmulator } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES } from '../src/index.js';
import { type App, emulator, KEY, startApp } from './support.js';

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

const upstreamCalls = () => emu.requests().filter((r) => r.path.startsWith('/v1/'));

describe('core in browser mode works through it', () => {
  test('create, poll, download, list, remix, delete', async () => {
    const alice = app.client('alice');
    const video = await alice.videos.createAndPoll({ prompt: 'a tiger', size: '1280x720' });
    expect(video.status).toBe('completed');
    const media = await alice.videos.downloadContent(video.id);
    expect(media.headers.get('content-type')).toBe('video/mp4');
    expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    const remix = await alice.videos.remix(video.id, { prompt: 'at night' });
    expect(remix.remixed_from_video_id).toBe(video.id);
    const page = await alice.videos.list();
    expect(page.data.map((v) => v.id)).toEqual([remix.id, video.id]); // newest first
    expect(page.has_more).toBe(false);
    expect(await alice.videos.delete(remix.id)).toMatchObject({ id: remix.id, deleted: true });
    expect((await alice.videos.list()).data.map((v) => v.id)).toEqual([video.id]);
    // Every upstream call carried the server's key; no answer to the page did.
    expect(upstreamCalls().every((r) => r.status !== 401)).toBe(true);
  });

  test('list pages with the API cursor shape', async () => {
    const carol = app.client('carol');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push((await carol.videos.create({ prompt: `job ${i}` })).id);
    const first = await app.as('carol', '/api/sora/v1/videos?limit=2');
    const body = await first.json();
    expect(body).toMatchObject({ object: 'list', first_id: ids[2], last_id: ids[1], has_more: true });
    const second = await (await app.as('carol', `/api/sora/v1/videos?limit=2&after=${ids[1]}`)).json();
    expect(second).toMatchObject({ first_id: ids[0], last_id: ids[0], has_more: false });
    const asc = await (await app.as('carol', '/api/sora/v1/videos?order=asc')).json();
    expect(asc.data.map((v: { id: string }) => v.id)).toEqual(ids);
    const bad = await app.as('carol', '/api/sora/v1/videos?limit=500');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe('limit');
  });
});

describe('ownership: user B never reaches user A', () => {
  let id: string;
  let characterId: string;
  beforeAll(async () => {
    const alice = app.client('alice');
    id = (await alice.videos.createAndPoll({ prompt: 'alice only' })).id;
    const form = new FormData();
    form.set('name', 'Whiskers');
    form.set(
      'video',
      new Blob([await (await alice.videos.downloadContent(id)).arrayBuffer()], { type: 'video/mp4' }),
      'cat.mp4',
    );
    const made = await app.as('alice', '/api/sora/v1/videos/characters', { method: 'POST', body: form });
    expect(made.status).toBe(200);
    characterId = (await made.json()).id;
  });

  test('404 on every operation, word for word the answer for a missing id', async () => {
    const missing = 'video_0000000000000000000000000000000000000000000000ff';
    const answers = async (target: string) => {
      const json = (body: unknown) => ({
        method: 'POST',
        body: JSON.stringify(body),
        headers: { 'content-type': 'application/json' },
      });
      const calls: [string, RequestInit][] = [
        [`/api/sora/v1/videos/${target}`, {}],
        [`/api/sora/v1/videos/${target}/content`, {}],
        [`/api/sora/v1/videos/${target}/content?variant=thumbnail`, {}],
        [`/api/sora/v1/videos/${target}/remix`, json({ prompt: 'mine now' })],
        ['/api/sora/v1/videos/edits', json({ prompt: 'mine now', video: { id: target } })],
        ['/api/sora/v1/videos/extensions', json({ prompt: 'mine now', video: { id: target } })],
        [`/api/sora/v1/videos/${target}`, { method: 'DELETE' }],
      ];
      const out = [];
      for (const [path, init] of calls) {
        const response = await app.as('bob', path, init);
        out.push([response.status, (await response.text()).replace(target, 'ID')]);
      }
      return out;
    };
    const before = upstreamCalls().length;
    const forA = await answers(id);
    const forMissing = await answers(missing);
    expect(forA.every(([status]) => status === 404)).toBe(true);
    expect(forA).toEqual(forMissing);
    const character = await app.as('bob', `/api/sora/v1/videos/characters/${characterId}`);
    expect(character.status).toBe(404);
    expect(upstreamCalls().length).toBe(before); // refused before the API was asked
    // A's job is intact and still A's.
    expect((await app.client('alice').videos.retrieve(id)).status).toBe('completed');
    expect((await app.as('alice', `/api/sora/v1/videos/characters/${characterId}`)).status).toBe(200);
  });

  test("A's jobs never appear in B's list, nor as B's cursor", async () => {
    await app.client('bob').videos.create({ prompt: 'bob job' });
    const list = await (await app.as('bob', '/api/sora/v1/videos?limit=100')).json();
    expect(list.data.map((v: { prompt: string }) => v.prompt)).toEqual(['bob job']);
    const cursor = await app.as('bob', `/api/sora/v1/videos?after=${id}`);
    expect(cursor.status).toBe(400);
    expect((await cursor.json()).error.param).toBe('after');
  });

  test("a multipart edit naming A's video is refused before the upload reaches the API", async () => {
    const form = new FormData();
    form.set('prompt', 'mine now');
    form.set('video[id]', id);
    const before = emu.requests().length;
    const response = await app.as('bob', '/api/sora/v1/videos/edits', { method: 'POST', body: form });
    expect(response.status).toBe(404);
    expect(emu.requests().length).toBe(before);
  });

  test("B replaying A's Idempotency-Key gets a job of B's own, not A's", async () => {
    const headers = { 'content-type': 'application/json', 'idempotency-key': 'shared-key-1' };
    const body = JSON.stringify({ prompt: 'same body' });
    const a = await (await app.as('alice', '/api/sora/v1/videos', { method: 'POST', headers, body })).json();
    const aAgain = await (
      await app.as('alice', '/api/sora/v1/videos', { method: 'POST', headers, body })
    ).json();
    const b = await (await app.as('bob', '/api/sora/v1/videos', { method: 'POST', headers, body })).json();
    expect(aAgain.id).toBe(a.id); // retries of one user still dedupe
    expect(b.id).not.toBe(a.id);
    expect((await app.as('bob', `/api/sora/v1/videos/${a.id}`)).status).toBe(404);
  });
});

describe('policy: checked before the paid call', () => {
  const post = (user: string, body: unknown) =>
    app.as(user, '/api/sora/v1/videos', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  test.each([
    [{ prompt: 'p', model: 'sora-2-pro' }, 'model'],
    [{ prompt: 'p', model: 'sora-2-pro', size: '1792x1024' }, 'model'],
    [{ prompt: 'p', seconds: '12' }, 'seconds'],
  ])('%j is a 403 naming %s', async (body, param) => {
    const before = upstreamCalls().length;
    const response = await post('dave', body);
    expect(response.status).toBe(403);
    const { error } = await response.json();
    expect(error).toMatchObject({ param, type: 'permission_error', code: 'policy_violation' });
    expect(error.message).toMatch(/Allowed/);
    expect(upstreamCalls().length).toBe(before);
  });

  test('the same in a multipart body, in any field order', async () => {
    const form = new FormData();
    form.set('prompt', 'p');
    form.set('seconds', '4');
    form.set('model', 'sora-2-pro');
    const before = emu.requests().filter((r) => r.method === 'POST').length;
    const response = await app.as('dave', '/api/sora/v1/videos', { method: 'POST', body: form });
    expect(response.status).toBe(403);
    expect((await response.json()).error.param).toBe('model');
    expect(emu.requests().filter((r) => r.method === 'POST').length).toBe(before);
  });

  test('smuggling past the checks: duplicate JSON keys, two boundaries, a judged field as a file, two names', async () => {
    const { startGateway } = await import('../../core/src/test-support/gateway-server.js');
    const gateway = await startGateway({ apiKey: KEY });
    const gw = await startApp({ baseUrl: gateway.url });
    try {
      // Whatever a parser does with a repeated key, the API gets the object that was judged, re-serialised.
      const dup = await gw.as('ivy', '/api/sora/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"p","model":"sora-2-pro","model":"sora-2"}',
      });
      expect(dup.status).toBe(200);
      expect(gateway.requests.at(-1)!.body).toBe('{"prompt":"p","model":"sora-2"}');
      const raw = (type: string, body: string) =>
        gw.as('ivy', '/api/sora/v1/videos', { method: 'POST', headers: { 'content-type': type }, body });
      const before = gateway.requests.length;
      const twoBoundaries = await raw(
        'multipart/form-data; boundary=a; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="model"\r\n\r\nsora-2-pro\r\n--b--\r\n',
      );
      expect(twoBoundaries.status).toBe(415);
      const modelAsFile = await raw(
        'multipart/form-data; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\np\r\n' +
          '--b\r\nContent-Disposition: form-data; name="model"; filename=""\r\n\r\nsora-2-pro\r\n--b--\r\n',
      );
      expect(modelAsFile.status).toBe(400);
      expect((await modelAsFile.json()).error.param).toBe('model');
      const twoNames = await raw(
        'multipart/form-data; boundary=b',
        '--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\np\r\n' +
          '--b\r\nContent-Disposition: form-data; name="size"; name="model"\r\n\r\nsora-2-pro\r\n--b--\r\n',
      );
      expect(twoNames.status).toBe(400);
      expect((await twoNames.json()).error.code).toBe('invalid_multipart');
      // None of them completed a request upstream.
      expect(gateway.requests.slice(before).filter((r) => r.method === 'POST')).toEqual([]);
    } finally {
      await gw.close();
      await gateway.close();
    }
  });

  test('bad and blank prompts are 400s naming the field, before any call', async () => {
    const before = upstreamCalls().length;
    for (const body of [{ prompt: '   ' }, { prompt: '' }, { seconds: '4' }, { prompt: 'p', size: '1x1' }]) {
      const response = await post('dave', body);
      expect(response.status).toBe(400);
      expect((await response.json()).error.param).toMatch(/prompt|size/);
    }
    expect(upstreamCalls().length).toBe(before);
  });

  test('jobs in flight and jobs per window, per user', async () => {
    const slow = await emulator({ jobSeconds: 60 });
    const strict = await startApp({ baseUrl: slow.url, policy: { maxInFlight: 2, maxJobsPerWindow: 3 } });
    try {
      const send = (user: string) =>
        strict.as(user, '/api/sora/v1/videos', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: '{"prompt":"p"}',
        });
      const results = await Promise.all([send('erin'), send('erin'), send('erin')]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 200, 403]);
      const refused = await results.find((r) => r.status === 403)!.json();
      expect(refused.error.code).toBe('too_many_jobs_in_flight');
      expect((await send('frank')).status).toBe(200); // another user has their own allowance
      // A finished job frees its slot even if nobody polled it: the handler asks the API before refusing.
      const [done] = slow.videos().filter((v) => v.status !== 'completed');
      await strict.as('erin', `/api/sora/v1/videos/${done!.id}`, { method: 'DELETE' });
      expect((await send('erin')).status).toBe(200);
      const over = await send('erin');
      expect(over.status).toBe(403);
      expect((await over.json()).error.code).toMatch(/too_many_jobs_in_flight|job_quota_exceeded/);
    } finally {
      await strict.close();
      await slow.close();
    }
  });
});

describe('deny by default', () => {
  test('only the spec routes, each with its methods', async () => {
    for (const path of [
      '/api/sora/v1/files',
      '/api/sora/_emulator/faults',
      '/api/sora/v1/videos/a/b/c',
      '/api/other',
      '/v1/videos',
    ]) {
      expect((await app.as('alice', path)).status, path).toBe(404);
    }
    for (const [template, methods] of Object.entries(ROUTES)) {
      const path = `/api/sora${template.replace(/\{[a-z_]+\}/, 'video_1')}`;
      for (const method of ['GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'OPTIONS']) {
        if (method.toLowerCase() in methods) continue;
        const response = await app.as('alice', path, { method });
        expect(response.status, `${method} ${path}`).toBe(405);
        expect(response.headers.get('allow')).toBe(
          Object.keys(methods)
            .map((m) => m.toUpperCase())
            .join(', '),
        );
        expect(response.headers.get('access-control-allow-origin')).toBeNull();
      }
    }
  });

  test('unknown query parameters and headers are not forwarded', async () => {
    const alice = app.client('alice');
    const { id } = await alice.videos.create({ prompt: 'q' });
    emu.clearRequests();
    await app.as('alice', `/api/sora/v1/videos/${id}?debug=1&api_key=x`, {
      headers: {
        'x-forwarded-for': '1.2.3.4',
        'x-emulator-fault': 'server-error',
        cookie: 'session=alice; other=1',
      },
    });
    const [seen] = emu.requests();
    expect(seen!.path).toBe(`/v1/videos/${id}`);
    expect(seen!.status).toBe(200); // the fault header did not pass
    expect(JSON.stringify(seen)).not.toMatch(/debug|api_key|1\.2\.3\.4/);
  });

  test('no session: 401 before anything else', async () => {
    const response = await fetch(`${app.url}/api/sora/v1/videos`);
    expect(response.status).toBe(401);
    expect((await response.json()).error.code).toBe('unauthenticated');
  });
});

describe('never leaks, never dies', () => {
  test('an upstream that echoes the key: redacted from the body and headers', async () => {
    const { startGateway } = await import('../../core/src/test-support/gateway-server.js');
    const gateway = await startGateway({ apiKey: KEY });
    const leaky = await startApp({ baseUrl: gateway.url });
    try {
      const id = (await leaky.client('alice').videos.create({ prompt: 'x' })).id;
      gateway.canned.push({
        status: 400,
        body: {
          error: { message: `Bad key ${KEY} (${encodeURIComponent(KEY)})`, type: 'invalid_request_error' },
        },
        headers: {
          'x-request-id': `req ${KEY}`,
          'set-cookie': `k=${KEY}`,
          'access-control-allow-origin': '*',
        },
      });
      const response = await leaky.as('alice', `/api/sora/v1/videos/${id}`);
      const text = await response.text();
      expect(response.status).toBe(400);
      expect(text).toContain('[redacted]');
      expect(text + JSON.stringify([...response.headers])).not.toContain(KEY);
      expect(response.headers.get('set-cookie')).toBeNull();
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
      // A 401 from the API is the server's key failing, not the user: a 502 that says nothing of the key.
      gateway.canned.push({
        status: 401,
        body: { error: { message: `Incorrect API key provided: ${KEY}` } },
      });
      const refused = await leaky.as('alice', `/api/sora/v1/videos/${id}`);
      expect(refused.status).toBe(502);
      expect(await refused.text()).not.toContain(KEY);
    } finally {
      await leaky.close();
      await gateway.close();
    }
  });

  test('a throwing authorize or store is a 500 without details', async () => {
    const errors: string[] = [];
    const logger = { warn() {}, error: (m: string) => errors.push(m) };
    const broken = await startApp({
      baseUrl: emu.url,
      logger,
      authorize: () => {
        throw new Error(`db password hunter2 and ${KEY}`);
      },
    });
    const brokenStore = await startApp({
      baseUrl: emu.url,
      logger,
      store: {
        reserve: () => ({ ok: true, reservation: 'r' }),
        commit: () => true,
        release() {},
        owns: () => Promise.reject(new Error('store down: secret-dsn')),
        list: () => ({ ids: [], hasMore: false }),
        remove() {},
        finish() {},
      },
    });
    try {
      for (const [target, path] of [
        [broken, '/api/sora/v1/videos'],
        [brokenStore, '/api/sora/v1/videos/video_1'],
      ] as const) {
        const response = await target.as('alice', path);
        expect(response.status).toBe(500);
        const text = await response.text();
        expect(JSON.parse(text).error.code).toBe('internal_error');
        expect(text).not.toMatch(/hunter2|secret-dsn|sk-/);
      }
      expect(errors.join('\n')).not.toContain(KEY);
    } finally {
      await broken.close();
      await brokenStore.close();
    }
  });

  test('an unreachable API is a 502 envelope', async () => {
    const down = await startApp({ baseUrl: 'http://127.0.0.1:9' });
    try {
      const response = await down.as('alice', '/api/sora/v1/videos', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"prompt":"p"}',
      });
      expect(response.status).toBe(502);
      expect((await response.json()).error.code).toBe('upstream_unavailable');
    } finally {
      await down.close();
    }
  });

  test('an upload cut by the client, or sent to an unreachable API, ends its request (no hang)', async () => {
    const { createSoraHandler } = await import('../src/index.js');
    const cutBody = () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(
            new TextEncoder().encode('--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhal'),
          );
          setTimeout(() => controller.error(new Error('connection reset')), 50);
        },
      });
    const upload = (body: ReadableStream<Uint8Array>) =>
      new Request('http://localhost/api/sora/v1/videos', {
        method: 'POST',
        headers: { origin: 'http://localhost', 'content-type': 'multipart/form-data; boundary=b' },
        body,
        // @ts-expect-error Node's Request needs duplex for a stream body
        duplex: 'half',
      });
    const quiet = { warn() {}, error() {} };
    const live = createSoraHandler({
      apiKey: KEY,
      baseUrl: emu.url,
      authorize: () => ({ userId: 'gina' }),
      logger: quiet,
    });
    const cut = await live(upload(cutBody()));
    expect(cut.status).toBe(400);
    expect((await cut.json()).error.code).toBe('incomplete_body');
    const down = createSoraHandler({
      apiKey: KEY,
      baseUrl: 'http://127.0.0.1:9',
      authorize: () => ({ userId: 'gina' }),
      logger: quiet,
    });
    const body = new Blob([
      '--b\r\nContent-Disposition: form-data; name="prompt"\r\n\r\nhello\r\n--b--\r\n',
    ]).stream();
    const unreachable = await down(upload(body));
    expect(unreachable.status).toBe(502);
  });

  test('the memory store warns once in production, at the first request (never while `next build` imports)', async () => {
    const { createSoraHandler } = await import('../src/index.js');
    const warnings: string[] = [];
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    const request = () => new Request('http://app.test/api/sora/v1/videos');
    try {
      const handler = createSoraHandler({
        apiKey: KEY,
        authorize: () => null,
        allowedHosts: ['app.example.com'], // (else the Host allow-list warns too)
        logger: { warn: (m) => warnings.push(m), error() {} },
      });
      expect(warnings).toEqual([]);
      await handler(request());
      await handler(request());
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(/memoryStore/);
      process.env.NODE_ENV = 'development';
      const quiet = createSoraHandler({
        apiKey: KEY,
        authorize: () => null,
        logger: { warn: (m) => warnings.push(m), error() {} },
      });
      await quiet(request());
      expect(warnings).toHaveLength(1);
    } finally {
      process.env.NODE_ENV = previous;
    }
  });

  test('no authorize is a startup error, not an open door', async () => {
    const { createSoraHandler } = await import('../src/index.js');
    // @ts-expect-error authorize is required
    expect(() => createSoraHandler({ apiKey: KEY })).toThrow(/authorize/);
  });
});
