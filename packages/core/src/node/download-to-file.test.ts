import { writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { APIConnectionError, APIUserAbortError, createSoraClient, type SoraClient } from '../index.js';
import { KEY, useEmulator } from '../test-support/emulator.js';
import { type Gateway, startGateway } from '../test-support/gateway-server.js';
import { type RawServer, startRawServer } from '../test-support/raw-server.js';
import { DownloadError, type DownloadProgress, downloadToFile, findPartialDownloads } from './index.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sora-kit-download-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const same = (a: Uint8Array, b: Uint8Array) => expect(Buffer.compare(a, b)).toBe(0);

type Transport = (typeof transports)[number][1];

/**
 * Settles once the download has taken its first bytes from the connection, to hold a cut until then: a
 * connection dropped at once can take with it bytes that arrived but were not read yet (an errored stream
 * discards its queue), and on a loaded machine the client may keep none, so never resume. Node's
 * transport reports each write (`onProgress`); a web body's first chunk is seen as the client reads it.
 */
function firstBytes(transport: Transport) {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  const fetch: Transport =
    transport &&
    (async (input, init) => {
      const response = await transport(input, init);
      const reader = response.body?.getReader();
      if (!reader) return response;
      const body = new ReadableStream<Uint8Array>(
        {
          async pull(controller) {
            const next = await reader.read();
            if (next.done) return controller.close();
            controller.enqueue(next.value); // a read is waiting (no queue): the client has these bytes
            resolve();
          },
          cancel: (reason) => reader.cancel(reason),
        },
        { highWaterMark: 0 },
      );
      return new Response(body, response);
    });
  return { promise, fetch, onProgress: () => resolve() };
}

// Each suite runs with the default transport (Node's http client) and with the global fetch.
const transports = [
  ['node http', undefined],
  ['global fetch', (input: string | URL | Request, init?: RequestInit) => fetch(input, init)],
] as const;

describe.each(transports)('downloadToFile from the emulator (%s)', (_, transport) => {
  const t = useEmulator();
  let id: string;
  let media: Buffer;
  beforeAll(async () => {
    id = (await t.client.videos.createAndPoll({ prompt: 'a tiger' })).id;
    media = Buffer.from(await (await t.client.videos.downloadContent(id)).arrayBuffer());
  });

  test('writes the media, reports progress, and leaves nothing else behind', async () => {
    const path = join(dir, 'tiger.mp4');
    const progress: DownloadProgress[] = [];
    const result = await downloadToFile(t.client, id, path, {
      fetch: transport,
      onProgress: (p) => progress.push(p),
    });
    same(await readFile(path), media);
    expect(result).toMatchObject({ path, bytes: media.length });
    expect(progress.at(-1)).toEqual({ bytes: media.length, total: media.length });
    const bytes = progress.map((p) => p.bytes);
    expect(bytes).toEqual([...bytes].sort((a, b) => a - b));
    expect(await readdir(dir)).toEqual(['tiger.mp4']);
  });

  test('the thumbnail variant', async () => {
    const path = join(dir, 'thumb.webp');
    await downloadToFile(t.client, id, path, { fetch: transport, variant: 'thumbnail' });
    expect((await readFile(path)).subarray(0, 4).toString()).toBe('RIFF');
  });

  test('refuses to overwrite unless asked, before any request', async () => {
    const path = join(dir, 'tiger.mp4');
    await writeFile(path, 'keep me');
    t.emu.clearRequests();
    const error = await downloadToFile(t.client, id, path, { fetch: transport }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.code).toBe('file_exists');
    expect(t.emu.requests()).toHaveLength(0);
    expect(await readFile(path, 'utf8')).toBe('keep me');
    await downloadToFile(t.client, id, path, { fetch: transport, overwrite: true });
    same(await readFile(path), media);
    expect(await readdir(dir)).toEqual(['tiger.mp4']);
  });

  test('a file that appears meanwhile is not replaced (atomic no-clobber placement)', async () => {
    const path = join(dir, 'tiger.mp4');
    const error = await downloadToFile(t.client, id, path, {
      fetch: transport,
      onProgress: () => writeFileSync(path, 'raced'), // before the placement, always
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(await readFile(path, 'utf8')).toBe('raced');
    expect(await readdir(dir)).toEqual(['tiger.mp4']);
  });

  test('resumes a transfer the emulator cut, with Range', async () => {
    t.emu.clearRequests();
    t.emu.faults.add({ kind: 'cut', path: `/v1/videos/${id}/content`, afterBytes: 100_000 });
    const path = join(dir, 'tiger.mp4');
    // The bytes on disk when the second request went out. The emulator drops the connection at once, and
    // bytes that arrived but were not read yet are lost with it (an errored stream discards its queue), so
    // on a loaded machine the client may keep none: then it must start over, without Range.
    let kept = 0;
    await downloadToFile(t.client, id, path, {
      fetch: transport,
      onProgress: (p) => {
        if (t.emu.requests().length === 1) kept = p.bytes;
      },
    });
    same(await readFile(path), media);
    const log = t.emu.requests();
    expect(kept).toBeLessThanOrEqual(100_000);
    expect(log.map((r) => [r.status, r.fault ?? null])).toEqual([
      [200, 'cut'],
      [kept > 0 ? 206 : 200, null],
    ]);
    expect(await readdir(dir)).toEqual(['tiger.mp4']);
  });

  test('an abort removes the partial file', async () => {
    const path = join(dir, 'tiger.mp4');
    const controller = new AbortController();
    t.emu.faults.add({ kind: 'latency', latencyMs: 2000, path: `/v1/videos/${id}/content` });
    setTimeout(() => controller.abort(), 100);
    const error = await downloadToFile(t.client, id, path, {
      fetch: transport,
      signal: controller.signal,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe.each(transports)('downloadToFile from a gateway: JSON link, ETag, ranges (%s)', (_, transport) => {
  let gw: Gateway;
  let client: SoraClient;
  let id: string;
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, jobMs: 0 });
    client = createSoraClient({ apiKey: KEY, baseUrl: gw.url });
    id = (await client.videos.create({ prompt: 'a' })).id;
  });
  afterAll(() => gw.close());
  beforeEach(() => {
    gw.filesRequests.length = 0;
    gw.fileFaults.length = 0;
    gw.etag = '"media-v1"';
  });

  test('resumes after a cut with Range and If-Range (the ETag), without the key', async () => {
    const gate = firstBytes(transport);
    gw.fileFaults.push({ cutAfter: 1 << 20, cutWhen: gate.promise });
    const path = join(dir, 'v.mp4');
    const result = await downloadToFile(client, id, path, { fetch: gate.fetch, onProgress: gate.onProgress });
    same(await readFile(path), gw.media);
    expect(result.etag).toBe('"media-v1"');
    expect(gw.filesRequests).toHaveLength(2);
    const resumed = gw.filesRequests[1]!.headers;
    expect(Number(/bytes=(\d+)-/.exec(resumed.range ?? '')?.[1])).toBeGreaterThan(0);
    expect(resumed['if-range']).toBe('"media-v1"');
    for (const r of gw.filesRequests) expect(r.headers.authorization).toBeUndefined();
  });

  test('when the file changed meanwhile (ETag differs), the server sends it whole and the download restarts', async () => {
    const gate = firstBytes(transport);
    gw.fileFaults.push({ cutAfter: 1 << 20, cutWhen: gate.promise });
    const path = join(dir, 'v.mp4');
    // The file changes once the first bytes are in, before the connection drops.
    void gate.promise.then(() => {
      gw.etag = '"media-v2"';
    });
    const done = downloadToFile(client, id, path, { fetch: gate.fetch, onProgress: gate.onProgress });
    const result = await done;
    same(await readFile(path), gw.media);
    expect(result.etag).toBe('"media-v2"'); // from the whole answer of the restart
    expect(gw.filesRequests.map((r) => r.headers.range ?? null)).toEqual([
      null,
      expect.stringMatching(/^bytes=/),
    ]);
  });

  test('a length that does not match is rejected and no file is left', async () => {
    const gate = firstBytes(transport);
    gw.fileFaults.push({ cutAfter: 1 << 20, cutWhen: gate.promise }, { short: 1000 });
    const path = join(dir, 'v.mp4');
    const error = await downloadToFile(client, id, path, {
      fetch: gate.fetch,
      onProgress: gate.onProgress,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.code).toBe('length_mismatch');
    expect(await readdir(dir)).toEqual([]);
  });

  test('gives up after maxResumes cuts, leaving nothing', async () => {
    gw.fileFaults.push({ cutAfter: 1000 }, { cutAfter: 1000 }, { cutAfter: 1000 });
    const path = join(dir, 'v.mp4');
    const error = await downloadToFile(client, id, path, { fetch: transport, maxResumes: 2 }).catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(gw.filesRequests).toHaveLength(3);
    expect(await readdir(dir)).toEqual([]);
  });

  test('an abort mid-body removes the partial file', async () => {
    gw.fileFaults.push({ stallAfter: 1 << 20 });
    const controller = new AbortController();
    const path = join(dir, 'v.mp4');
    const pending = downloadToFile(client, id, path, { fetch: transport, signal: controller.signal });
    await expect.poll(() => gw.filesRequests.length).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100)); // the first MiB is in, the rest never comes
    // While it runs, the partial file is the one findPartialDownloads reports for this target.
    expect(await findPartialDownloads(path)).toEqual([
      join(dir, (await readdir(dir)).find((f) => f.endsWith('.part')) ?? 'none'),
    ]);
    controller.abort();
    expect(await pending.catch((e) => e)).toBeInstanceOf(APIUserAbortError);
    expect(await readdir(dir)).toEqual([]);
  });

  test('an abort after the last byte but before the rename leaves nothing either', async () => {
    const controller = new AbortController();
    const path = join(dir, 'v.mp4');
    const error = await downloadToFile(client, id, path, {
      fetch: transport,
      signal: controller.signal,
      onProgress: () => controller.abort(),
    }).catch((e) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('the transport of downloadToFile', () => {
  const t = useEmulator({ contentMode: 'url' });
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, jobMs: 0, redirectContent: true });
  });
  afterAll(() => gw.close());

  test('a /content redirect to another host is followed without the key', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url });
    const { id } = await client.videos.create({ prompt: 'a' });
    const path = join(dir, 'v.mp4');
    await downloadToFile(client, id, path);
    same(await readFile(path), gw.media);
    expect(gw.filesRequests).toHaveLength(1);
    expect(gw.filesRequests[0]?.headers.authorization).toBeUndefined();
  });

  test('the fetch the client was given is the one used (a proxy agent must not be bypassed)', async () => {
    const urls: string[] = [];
    const client = t.clientWith({
      fetch: (input, init) => {
        urls.push(String(input));
        return fetch(input, init);
      },
    });
    const { id } = await client.videos.createAndPoll({ prompt: 'a' });
    urls.length = 0;
    await downloadToFile(client, id, join(dir, 'v.mp4'));
    expect(urls).toHaveLength(2); // the API's JSON link, then the link
    expect(urls[1]).toContain(t.emu.filesUrl);
  });

  test('its responses are standard: JSON and error bodies read through the web stream', async () => {
    const { nodeFetch } = await import('./transport.js');
    const client = t.clientWith({ fetch: nodeFetch });
    const error = await client.videos.retrieve('video_missing').catch((e) => e);
    expect(error.status).toBe(404);
    expect(error.code).toBe('not_found');
    const { id } = await t.client.videos.createAndPoll({ prompt: 'a' });
    const media = await client.videos.downloadContent(id); // JSON link, then the bytes
    expect((await media.arrayBuffer()).byteLength).toBeGreaterThan(1000);
    await expect(nodeFetch(t.emu.url, { method: 'POST', body: 'x' })).rejects.toThrow(/GET/);
  });
});

describe('findPartialDownloads', () => {
  test('finds the partial files of one target only', async () => {
    const names = [
      '.a.mp4.0123abcd.part',
      '.b.mp4.0123abcd.part',
      '.a.mp4.part',
      'a.mp4',
      '.a.mp4.0123abcd.partx',
    ];
    for (const name of names) await writeFile(join(dir, name), '');
    expect(await findPartialDownloads(join(dir, 'a.mp4'))).toEqual([join(dir, '.a.mp4.0123abcd.part')]);
    expect(await findPartialDownloads(join(dir, 'missing-dir', 'a.mp4'))).toEqual([]);
  });
});

describe.each(transports)('downloads that cannot be right, and bodies that stop (%s)', (_, transport) => {
  let gw: Gateway;
  let server: RawServer;
  let handle: (req: IncomingMessage, res: ServerResponse) => void;
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, jobMs: 0 });
    server = await startRawServer((req, res) => handle(req, res));
  });
  afterAll(async () => {
    await gw.close();
    await server.close();
  });
  beforeEach(() => {
    gw.filesRequests.length = 0;
    gw.fileFaults.length = 0;
    server.requests.length = 0;
  });
  const rawClient = () => createSoraClient({ apiKey: KEY, baseUrl: server.url, maxRetries: 0 });
  const media = Buffer.alloc(3 << 20, 0x61);

  test('a body that stops sending is resumed with Range after `timeout` ms without a byte', {
    timeout: 15_000,
  }, async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: gw.url });
    const { id } = await client.videos.create({ prompt: 'a' });
    gw.fileFaults.push({ stallAfter: 1 << 20 });
    const path = join(dir, 'v.mp4');
    await downloadToFile(client, id, path, { fetch: transport, timeout: 500 });
    same(await readFile(path), gw.media);
    expect(gw.filesRequests).toHaveLength(2);
    expect(Number(/bytes=(\d+)-/.exec(gw.filesRequests[1]!.headers.range ?? '')?.[1])).toBeGreaterThan(0);
  });

  test('a 0-byte video is an error, not a saved file', async () => {
    handle = (_req, res) => res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': '0' }).end();
    const path = join(dir, 'v.mp4');
    const error = await downloadToFile(rawClient(), 'video_1', path, { fetch: transport }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.code).toBe('empty');
    expect(await readdir(dir)).toEqual([]);
  });

  test('a body shorter than its Content-Length, every time, is never saved', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(media.length) });
      res.write(media.subarray(0, media.length - 1000), () => res.socket?.end());
    };
    const path = join(dir, 'v.mp4');
    const error = await downloadToFile(rawClient(), 'video_1', path, {
      fetch: transport,
      maxResumes: 1,
    }).catch((e) => e);
    expect(error).toBeInstanceOf(Error);
    expect(await readdir(dir)).toEqual([]);
  });

  test('a Range answer shorter than the size it promised is a length_mismatch', async () => {
    // First a whole answer of unknown length (chunked) cut after 1 MiB; then a 206 that declares the rest
    // (Content-Range .../total) but ends cleanly 1000 bytes short.
    handle = (req, res) => {
      const start = Number(/bytes=(\d+)-/.exec(req.headers.range ?? '')?.[1] ?? 0);
      if (!start) {
        res.writeHead(200, { 'content-type': 'video/mp4', etag: '"v1"' });
        res.write(media.subarray(0, 1 << 20), () => res.destroy());
        return;
      }
      res.writeHead(206, {
        'content-type': 'video/mp4',
        etag: '"v1"',
        'content-range': `bytes ${start}-${media.length - 1}/${media.length}`,
      });
      res.end(media.subarray(start, media.length - 1000));
    };
    const path = join(dir, 'v.mp4');
    const error = await downloadToFile(rawClient(), 'video_1', path, { fetch: transport }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.code).toBe('length_mismatch');
    expect(server.requests).toHaveLength(2);
    expect(await readdir(dir)).toEqual([]);
  });

  test('missing parent folders are created', async () => {
    handle = (_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(media);
    const path = join(dir, 'a', 'b', 'v.mp4');
    const result = await downloadToFile(rawClient(), 'video_1', path, { fetch: transport });
    expect(result.bytes).toBe(media.length);
    same(await readFile(path), media);
    expect(await readdir(join(dir, 'a', 'b'))).toEqual(['v.mp4']);
  });

  test('a file-system error is a DownloadError naming the target, not the hidden partial file', async () => {
    handle = (_req, res) => res.writeHead(200, { 'content-type': 'video/mp4' }).end(media);
    await writeFile(join(dir, 'file'), 'not a folder');
    const path = join(dir, 'file', 'v.mp4');
    const error = await downloadToFile(rawClient(), 'video_1', path, { fetch: transport }).catch((e) => e);
    expect(error).toBeInstanceOf(DownloadError);
    expect(error.code).toBe('file_system');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).not.toMatch(/\.part/);
    expect(error.cause?.code).toMatch(/^E/);
    // A target that is a folder (with overwrite): the same.
    await mkdir(join(dir, 'folder.mp4'));
    const folder = await downloadToFile(rawClient(), 'video_1', join(dir, 'folder.mp4'), {
      fetch: transport,
      overwrite: true,
    }).catch((e) => e);
    expect(folder).toBeInstanceOf(DownloadError);
    expect(folder.code).toBe('file_system');
    expect(folder.message).toContain(join(dir, 'folder.mp4'));
    expect((await readdir(dir)).sort()).toEqual(['file', 'folder.mp4']);
  });
});
