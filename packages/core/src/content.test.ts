import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSoraClient, NotFoundError } from './index.js';
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
