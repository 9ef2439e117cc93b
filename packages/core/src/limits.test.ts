import type { ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { APIConnectionTimeoutError, APIError, createSoraClient } from './index.js';
import { KEY } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';
import { drained, type RawServer, startRawServer } from './test-support/raw-server.js';

const MiB = 1024 * 1024;
const CHUNK = Buffer.alloc(64 * 1024, 0x20); // spaces: valid JSON whitespace, so only the size is wrong

/** Streams `size` bytes (`[` … `]`), respecting backpressure, and records how many the client took. */
async function stream(res: ServerResponse, size: number, sent: { bytes: number }) {
  res.write('[');
  for (sent.bytes = 1; sent.bytes < size && !res.destroyed; sent.bytes += CHUNK.length) {
    if (!res.write(CHUNK)) await drained(res);
  }
  if (!res.destroyed) res.end(']');
}

describe('answers larger than maxResponseBytes (default 16 MiB)', () => {
  let server: RawServer;
  let handle: (res: ServerResponse) => Promise<void> | void;
  beforeAll(async () => {
    server = await startRawServer((_req, res) => handle(res));
  });
  afterAll(() => server.close());
  afterEach(() => {
    server.requests.length = 0;
  });
  const client = (options = {}) => createSoraClient({ apiKey: KEY, baseUrl: server.url, ...options });

  test('a chunked JSON answer past the limit is an APIError at once, not retried, and not read on', async () => {
    const sent = { bytes: 0 };
    handle = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      return stream(res, 256 * MiB, sent);
    };
    const error = await client({ maxResponseBytes: MiB })
      .videos.retrieve('video_1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.name).toBe('APIError');
    expect(error.status).toBe(200);
    expect(error.message).toMatch(/maxResponseBytes/);
    expect(server.requests).toHaveLength(1);
    await expect.poll(() => sent.bytes).toBeGreaterThan(MiB);
    // What the server got rid of: the limit, plus what socket buffers hold. Not the 256 MiB.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent.bytes).toBeLessThan(MiB + 24 * MiB);
  });

  test('a declared Content-Length past the default limit is refused before its body is read', async () => {
    const sent = { bytes: 0 };
    handle = (res) => {
      res.writeHead(500, { 'content-type': 'application/json', 'content-length': String(256 * MiB) });
      return stream(res, 256 * MiB, sent);
    };
    const error = await client()
      .videos.retrieve('video_1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.status).toBe(500);
    expect(error.message).toMatch(/16777216 bytes/);
    expect(server.requests).toHaveLength(1); // a 500 is retried, but not one that is too large
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent.bytes).toBeLessThan(24 * MiB);
  });

  test('a gzip answer is limited by its decoded size', async () => {
    const { gzipSync } = await import('node:zlib');
    const body = gzipSync(Buffer.concat([Buffer.from('['), Buffer.alloc(8 * MiB, 0x20), Buffer.from(']')]));
    handle = (res) => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'content-encoding': 'gzip',
        'content-length': String(body.length),
      });
      res.end(body);
    };
    const error = await client({ maxResponseBytes: MiB })
      .videos.retrieve('video_1')
      .catch((e) => e);
    expect(error.message).toMatch(/maxResponseBytes/);
  });

  test('an answer within the limit is read as usual', async () => {
    const page = { object: 'list', data: [], has_more: false, padding: 'x'.repeat(MiB) };
    handle = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(page));
    };
    const list = await client({ maxResponseBytes: 2 * MiB }).videos.list();
    expect(list.data).toEqual([]);
  });

  test('the JSON link answer of /content is limited too', async () => {
    const sent = { bytes: 0 };
    handle = (res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      return stream(res, 256 * MiB, sent);
    };
    const error = await client({ maxResponseBytes: MiB })
      .videos.downloadContent('video_1')
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIError);
    expect(error.message).toMatch(/maxResponseBytes/);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(sent.bytes).toBeLessThan(MiB + 24 * MiB);
  });
});

describe('a streamed body that stops sending', () => {
  let gw: Gateway;
  let raw: RawServer;
  beforeAll(async () => {
    gw = await startGateway({ apiKey: KEY, jobMs: 0 });
    // The bytes form of /content: headers, 64 KiB, then silence on an open connection.
    raw = await startRawServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(MiB) });
      res.write(CHUNK);
    });
  });
  afterAll(async () => {
    await gw.close();
    await raw.close();
  });

  test.each([
    ['a gateway link', () => gw.url],
    ['the bytes of /content', () => raw.url],
  ])('no byte for `timeout` ms is an APIConnectionTimeoutError (%s)', { timeout: 10_000 }, async (_, url) => {
    gw.fileFaults.push({ stallAfter: 256 * 1024 });
    const client = createSoraClient({ apiKey: KEY, baseUrl: url(), timeout: 400 });
    const id = url() === gw.url ? (await client.videos.create({ prompt: 'a' })).id : 'video_1';
    const response = await client.videos.downloadContent(id);
    const started = performance.now();
    const error = await response.arrayBuffer().catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    // The stall would last until the test's own timeout (wide: a loaded machine is slow).
    expect(performance.now() - started).toBeLessThan(6000);
  });

  test('a slow body that keeps sending is not cut', async () => {
    const slow = await startRawServer(async (_req, res) => {
      res.writeHead(200, { 'content-type': 'video/mp4' });
      for (let i = 0; i < 6; i++) {
        res.write(CHUNK);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      res.end();
    });
    try {
      const client = createSoraClient({ apiKey: KEY, baseUrl: slow.url, timeout: 400 });
      const response = await client.videos.downloadContent('video_1');
      expect((await response.arrayBuffer()).byteLength).toBe(6 * CHUNK.length); // 900 ms in all
    } finally {
      await slow.close();
    }
  });
});
