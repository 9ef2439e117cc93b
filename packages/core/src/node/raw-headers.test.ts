import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type RawServer, startRawServer } from '../test-support/raw-server.js';
import { RawHeaders, requestFields } from './raw-headers.js';
import { nodeFetch } from './transport.js';

describe('RawHeaders: an answer head read like a Headers', () => {
  test('names are case-insensitive, repeated fields are joined, iteration is in name order', () => {
    const headers = new RawHeaders();
    headers.append('Content-Type', 'video/mp4');
    headers.append('X-Many', 'a');
    headers.append('x-many', 'b');
    headers.append('ETag', '"v1"');
    expect(headers.get('content-type')).toBe('video/mp4');
    expect(headers.get('X-MANY')).toBe('a, b');
    expect(headers.has('etag')).toBe(true);
    expect(headers.get('location')).toBeNull();
    expect([...headers]).toEqual([
      ['content-type', 'video/mp4'],
      ['etag', '"v1"'],
      ['x-many', 'a, b'],
    ]);
    // The same answer as a real Headers reads the same.
    const real = new Headers([...headers]);
    expect([...real]).toEqual([...headers]);
  });
});

describe('requestFields: request headers checked as fetch checks them', () => {
  test('records, pairs and Headers, lower-cased and trimmed', () => {
    expect([...requestFields({ Authorization: ' Bearer k ', Range: 'bytes=5-' })]).toEqual([
      ['authorization', 'Bearer k'],
      ['range', 'bytes=5-'],
    ]);
    expect([
      ...requestFields([
        ['X-A', '1'],
        ['x-a', '2'],
      ]),
    ]).toEqual([['x-a', '1, 2']]);
    expect([...requestFields(new Headers({ 'If-Range': '"e"' }))]).toEqual([['if-range', '"e"']]);
  });

  test('a value with a line break or NUL, or a name that is not a token, is refused', () => {
    expect(() => requestFields({ 'If-Range': '"e"\r\nX-Injected: 1' })).toThrow(/If-Range/);
    expect(() => requestFields({ 'X-A': 'a\0b' })).toThrow(TypeError);
    expect(() => requestFields({ 'Bad Name': 'x' })).toThrow(/Invalid header name/);
  });

  let server: RawServer;
  beforeAll(async () => {
    server = await startRawServer((_, res) => {
      res.end('ok');
    });
  });
  afterAll(() => server.close());

  test('nodeFetch sends nothing when a header would smuggle another one in', async () => {
    await expect(
      nodeFetch(server.url, { headers: { Range: 'bytes=0-\r\nAuthorization: Bearer stolen' } }),
    ).rejects.toThrow(TypeError);
    expect(server.requests).toEqual([]);
  });
});

// The point of RawHeaders and the lean answers: a process that only downloads never loads undici (about
// 40 ms of start-up in Node 20). Checked in a process of its own, on the built package.
const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
describe.runIf(existsSync(join(root, 'dist/node/index.js')))(
  'a download-only process (built package)',
  () => {
    let server: RawServer;
    let dir: string;
    beforeAll(async () => {
      const media = Buffer.alloc(3 << 20, 7);
      server = await startRawServer((_, res) => {
        res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': media.length });
        res.end(media);
      });
      dir = await mkdtemp(join(tmpdir(), 'sora-kit-lean-'));
    });
    afterAll(async () => {
      await server.close();
      await rm(dir, { recursive: true, force: true });
    });

    test('downloadToFile with the default transport loads no undici; with the global fetch it does', async () => {
      const script = `
      import { createSoraClient } from '@sora-kit/core';
      import { downloadToFile } from '@sora-kit/core/node';
      const [base, path, useFetch] = process.argv.slice(1);
      const client = createSoraClient({ apiKey: 'k', baseUrl: base });
      await downloadToFile(client, 'video_1', path, useFetch ? { fetch: (u, i) => fetch(u, i) } : {});
      console.log(JSON.stringify(process.moduleLoadList.filter((m) => m.includes('undici'))));`;
      const run = async (path: string, ...flag: string[]) => {
        const { stdout } = await promisify(execFile)(
          process.execPath,
          ['--input-type=module', '-e', script, server.url, path, ...flag],
          { cwd: root },
        );
        expect((await stat(path)).size).toBe(3 << 20);
        return JSON.parse(stdout) as string[];
      };
      expect(await run(join(dir, 'lean.mp4'))).toEqual([]);
      // The control: the same check does see undici when it is loaded.
      expect((await run(join(dir, 'fetch.mp4'), 'fetch')).length).toBeGreaterThan(0);
    });
  },
);
