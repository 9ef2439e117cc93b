import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { createSoraClient, NotFoundError, type SoraClientOptions, UnsafeLinkError } from './index.js';
import { KEY, useEmulator } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';

const bytesOf = async (response: Response) => Buffer.from(await response.arrayBuffer());
/** Byte equality without vitest's element-by-element diff, which takes seconds on megabytes. */
const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(a, b)).toBe(0);

describe('downloadContent, bytes mode (OpenAI)', () => {
  const t = useEmulator({ contentMode: 'bytes' });
  test('resolves to a Response whose body is the media, for each variant', async () => {
    const video = await t.client.videos.createAndPoll({ prompt: 'a tiger' });
    const mp4 = await t.client.videos.downloadContent(video.id);
    expect(mp4).toBeInstanceOf(Response);
    expect(mp4.headers.get('content-type')).toBe('video/mp4');
    const body = await bytesOf(mp4);
    expect(new TextDecoder().decode(body.subarray(4, 8))).toBe('ftyp');
    const thumbnail = await t.client.videos.downloadContent(video.id, { variant: 'thumbnail' });
    expect(thumbnail.headers.get('content-type')).toBe('image/webp');
    expect(new TextDecoder().decode((await bytesOf(thumbnail)).subarray(0, 4))).toBe('RIFF');
    const sheet = await t.client.videos.downloadContent(video.id, { variant: 'spritesheet' });
    expect(sheet.headers.get('content-type')).toBe('image/jpeg');
    expect(t.emu.requests().at(-1)?.query).toEqual({ variant: 'spritesheet' });
  });

  test('a range resumes part way', async () => {
    const video = await t.client.videos.createAndPoll({ prompt: 'a tiger' });
    const whole = await bytesOf(await t.client.videos.downloadContent(video.id));
    const part = await t.client.videos.downloadContent(video.id, { range: 'bytes=1000-' });
    expect(part.status).toBe(206);
    same(await bytesOf(part), whole.subarray(1000));
  });
});

describe('downloadContent, url mode (gpt.ge: JSON link on another origin)', () => {
  const t = useEmulator({ contentMode: 'url' });
  test('follows the link and answers the media', async () => {
    const video = await t.client.videos.createAndPoll({ prompt: 'a tiger' });
    t.emu.clearRequests();
    const response = await t.client.videos.downloadContent(video.id);
    expect(response.headers.get('content-type')).toBe('video/mp4');
    expect((await bytesOf(response)).length).toBeGreaterThan(1000);
    expect(t.emu.requests().map((r) => r.origin)).toEqual(['api', 'files']);
  });
});

describe('contentLink: the link, not followed', () => {
  const linked = useEmulator({ contentMode: 'url' });
  const bytes = useEmulator({ contentMode: 'bytes' });

  test("url mode: one request, answered with the emulator's link, which serves the media without a key", async () => {
    const video = await linked.client.videos.createAndPoll({ prompt: 'a tiger' });
    linked.emu.clearRequests();
    const answer = await linked.client.videos.contentLink(video.id);
    expect(answer.response).toBeUndefined();
    expect(answer.link).toMatchObject({ id: video.id, status: 'ready', expires_at: expect.any(Number) });
    const url = answer.link!.url;
    expect(url.startsWith(`${linked.emu.filesUrl}/files/`)).toBe(true);
    expect(linked.emu.requests().map((r) => [r.origin, r.path])).toEqual([
      ['api', `/v1/videos/${video.id}/content`],
    ]);
    const media = await fetch(url); // no key: the link is its own credential
    expect(media.headers.get('content-type')).toBe('video/mp4');
    expect(new TextDecoder().decode((await bytesOf(media)).subarray(4, 8))).toBe('ftyp');
    const thumbnail = await linked.client.videos.contentLink(video.id, { variant: 'thumbnail' });
    expect((await fetch(thumbnail.link!.url)).headers.get('content-type')).toBe('image/webp');
  });

  test('bytes mode: the media itself, as downloadContent answers it', async () => {
    const video = await bytes.client.videos.createAndPoll({ prompt: 'a tiger' });
    const answer = await bytes.client.videos.contentLink(video.id);
    expect(answer.link).toBeUndefined();
    expect(answer.response!.headers.get('content-type')).toBe('video/mp4');
    same(await bytesOf(answer.response!), await bytesOf(await bytes.client.videos.downloadContent(video.id)));
  });

  test('checks the id and variant before any request, and a missing job is a NotFoundError', async () => {
    linked.emu.clearRequests();
    await expect(linked.client.videos.contentLink('../x')).rejects.toThrow(/'video_id'/);
    await expect(linked.client.videos.contentLink('video_1', { variant: 'gif' as never })).rejects.toThrow(
      /'variant'/,
    );
    expect(linked.emu.requests()).toEqual([]);
    await expect(linked.client.videos.contentLink('video_missing')).rejects.toBeInstanceOf(NotFoundError);
  });
});

describe('downloadContent from a gateway', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY });
  });
  afterAll(() => gw.close());

  test('the link is fetched without the Authorization header or the client headers', async () => {
    const client = createSoraClient({
      apiKey: KEY,
      baseUrl: gw.url,
      headers: { 'x-gateway-token': 'secret' },
    });
    const job = await client.videos.create({ prompt: 'a' });
    const response = await client.videos.downloadContent(job.id);
    same(await bytesOf(response), gw.media);
    expect(gw.requests.at(-1)?.headers.authorization).toBe(`Bearer ${KEY}`); // the API got it
    expect(gw.filesRequests).toHaveLength(1);
    for (const request of gw.filesRequests) {
      expect(request.headers.authorization).toBeUndefined();
      expect(request.headers['x-gateway-token']).toBeUndefined();
      expect(JSON.stringify(request.headers)).not.toContain(KEY);
    }
  });

  test('Range and If-Range go to the link host', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url });
    const job = await client.videos.create({ prompt: 'a' });
    const part = await client.videos.downloadContent(job.id, { range: 'bytes=100-', ifRange: gw.etag });
    expect(part.status).toBe(206);
    same(await bytesOf(part), gw.media.subarray(100));
    expect(gw.filesRequests.at(-1)?.headers).toMatchObject({ range: 'bytes=100-', 'if-range': gw.etag });
  });

  test('an error of the link host is an API error too', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url });
    const error = await client.videos.downloadContent('video_unknown').catch((e) => e);
    expect(error).toBeInstanceOf(NotFoundError);
  });
});

describe('a /content that redirects to another host', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, redirectContent: true });
  });
  afterAll(() => gw.close());
  test('the key is not carried across the redirect', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url });
    const job = await client.videos.create({ prompt: 'a' });
    same(await bytesOf(await client.videos.downloadContent(job.id)), gw.media);
    expect(gw.filesRequests).toHaveLength(1);
    expect(gw.filesRequests[0]?.headers.authorization).toBeUndefined();
  });
});

describe('download links to internal addresses (SSRF)', () => {
  let gw: Gateway;
  const PUBLIC = 'https://api.example.com';
  let seen: string[];
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, jobMs: 0 });
  });
  afterAll(() => gw.close());
  beforeEach(() => {
    seen = [];
    gw.filesRequests.length = 0;
  });
  /**
   * A client whose API is on a public name (reached here, by its fetch, on the loopback gateway). Its fetch
   * goes nowhere else but the gateway's download host: a link that slipped through fails the test instead
   * of leaving the machine.
   */
  const publicClient = (options: SoraClientOptions = {}) =>
    createSoraClient({
      apiKey: KEY,
      baseUrl: PUBLIC,
      fetch: (input, init) => {
        const url = String(input);
        seen.push(url);
        if (url.startsWith(PUBLIC)) return fetch(url.replace(PUBLIC, gw.url), init);
        if (url.startsWith(gw.filesUrl)) return fetch(url, init);
        return Promise.reject(new TypeError(`this test stays on loopback: ${url}`));
      },
      ...options,
    });

  test('a public API whose JSON link points at a loopback address: refused before any request to it', async () => {
    const client = publicClient();
    const { id } = await client.videos.create({ prompt: 'a' });
    const error = await client.videos.downloadContent(id).catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeLinkError);
    expect(error.message).toMatch(/127\.0\.0\.1.*allowPrivateLinks/);
    expect(gw.filesRequests).toHaveLength(0);
    expect(seen.every((url) => url.startsWith(PUBLIC))).toBe(true);
  });

  test.each([
    'http://169.254.169.254/latest/meta-data/iam/',
    'http://10.0.0.5/admin',
    'http://[::ffff:127.0.0.1]:9/',
    'file:///etc/passwd',
    'http://user:pass@files.example.com/v.mp4',
  ])('the link %s is refused, and never fetched', async (url) => {
    gw.canned.push({ status: 200, path: /\/content$/, body: { id: 'video_1', url, status: 'ready' } });
    const error = await publicClient()
      .videos.downloadContent('video_1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeLinkError);
    expect(error.url).toBe(url);
    expect(seen).toEqual([`${PUBLIC}/v1/videos/video_1/content`]);
  });

  test('contentLink refuses such a link too, rather than hand it on', async () => {
    const url = 'http://169.254.169.254/latest/meta-data/';
    gw.canned.push({ status: 200, path: /\/content$/, body: { id: 'video_1', url, status: 'ready' } });
    const error = await publicClient()
      .videos.contentLink('video_1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeLinkError);
    expect(seen).toEqual([`${PUBLIC}/v1/videos/video_1/content`]);
  });

  test('allowPrivateLinks: true, or a function that says yes, follows it', async () => {
    const open = publicClient({ allowPrivateLinks: true });
    const { id } = await open.videos.create({ prompt: 'a' });
    same(await bytesOf(await open.videos.downloadContent(id)), gw.media);
    const asked: string[] = [];
    const picky = publicClient({
      allowPrivateLinks: (url) => {
        asked.push(url.host);
        return url.port === new URL(gw.filesUrl).port;
      },
    });
    same(await bytesOf(await picky.videos.downloadContent(id)), gw.media);
    expect(asked).toEqual([new URL(gw.filesUrl).host]);
    expect(gw.filesRequests).toHaveLength(2);
  });

  test('downloadToFile refuses it too, and leaves no file', async () => {
    const { downloadToFile } = await import('./node/index.js');
    const { mkdtemp, readdir, rm } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'sora-kit-link-'));
    try {
      const client = publicClient();
      const { id } = await client.videos.create({ prompt: 'a' });
      const error = await downloadToFile(client, id, join(dir, 'v.mp4')).catch((e) => e);
      expect(error).toBeInstanceOf(UnsafeLinkError);
      expect(await readdir(dir)).toEqual([]);
      expect(gw.filesRequests).toHaveLength(0);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('a redirect of /content to an internal address (nodeFetch checks every hop)', () => {
  let gw: Gateway;
  const PUBLIC = 'https://api.example.com';
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, jobMs: 0, redirectContent: true });
  });
  afterAll(() => gw.close());

  test('from a public API to a loopback host: refused, unless allowPrivateLinks', async () => {
    const { nodeFetch } = await import('./node/index.js');
    const client = (options: SoraClientOptions = {}) =>
      createSoraClient({
        apiKey: KEY,
        baseUrl: PUBLIC,
        // The API's public name is this gateway; the redirect's host is left as sent.
        fetch: (input, init) => {
          const url = String(input).replace(PUBLIC, gw.url);
          return init?.method === 'POST' ? fetch(url, init) : nodeFetch(url, init);
        },
        ...options,
      });
    const { id } = await client().videos.create({ prompt: 'a' });
    const error = await client()
      .videos.downloadContent(id)
      .catch((e) => e);
    expect(error).toBeInstanceOf(UnsafeLinkError);
    expect(gw.filesRequests).toHaveLength(0);
    const allowed = await client({ allowPrivateLinks: true }).videos.downloadContent(id);
    same(await bytesOf(allowed), gw.media);
    expect(gw.filesRequests).toHaveLength(1);
  });
});
