// An https API whose content link or redirect points to plain http: the client refuses the downgrade
// (the link's token and the bytes would travel in clear). A real https server with a self-signed
// certificate, trusted by a child process through NODE_EXTRA_CA_CERTS, and the built package.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const run = promisify(execFile);
const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let dir: string;
let api: Server;
let plain: Server;
let apiUrl: string;
let plainUrl: string;
let plainHits = 0;

const listen = async (server: Server, scheme: string) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `${scheme}://127.0.0.1:${(server.address() as AddressInfo).port}`;
};

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sora-kit-tls-'));
  await run('openssl', [
    ...['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1'],
    ...[
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      join(dir, 'key.pem'),
      '-out',
      join(dir, 'cert.pem'),
    ],
  ]);
  plain = createHttpServer((_req, res) => {
    plainHits++;
    res.writeHead(200, { 'content-type': 'video/mp4' });
    res.end('clear bytes');
  });
  plainUrl = await listen(plain, 'http');
  api = createHttpsServer(
    { key: await readFile(join(dir, 'key.pem')), cert: await readFile(join(dir, 'cert.pem')) },
    (req, res) => {
      const path = req.url ?? '';
      if (path.includes('/video_redirect/')) {
        res.writeHead(302, { location: `${plainUrl}/file` }).end();
      } else if (path.includes('/video_link/')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ url: `${plainUrl}/file`, expires_at: null }));
      } else if (path.includes('/video_secure/')) {
        res.writeHead(302, { location: '/file' }).end();
      } else {
        res.writeHead(200, { 'content-type': 'video/mp4' });
        res.end('secure bytes');
      }
    },
  ) as unknown as Server;
  apiUrl = await listen(api, 'https');
});
afterAll(async () => {
  api?.closeAllConnections();
  plain?.closeAllConnections();
  await new Promise((resolve) => api?.close(resolve));
  await new Promise((resolve) => plain?.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

/** Downloads `id` in a child process that trusts the test's certificate; the outcome as JSON. */
async function download(id: string, transport: 'fetch' | 'nodeFetch') {
  const script = `
    import { createSoraClient } from '@sora-kit/core';
    import { nodeFetch } from '@sora-kit/core/node';
    const [base, id, transport] = process.argv.slice(1);
    const client = createSoraClient({ apiKey: 'sk-test-downgrade', baseUrl: base, maxRetries: 0,
      ...(transport === 'nodeFetch' ? { fetch: nodeFetch } : {}) });
    try {
      const response = await client.videos.downloadContent(id);
      console.log(JSON.stringify({ ok: await response.text() }));
    } catch (error) {
      console.log(JSON.stringify({ name: error.name, message: error.message }));
    }`;
  const { stdout } = await run(
    process.execPath,
    ['--input-type=module', '-e', script, apiUrl, id, transport],
    { cwd: root, env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') } },
  );
  return JSON.parse(stdout) as { ok?: string; name?: string; message?: string };
}

describe('an https API may not send the download to plain http', () => {
  test.each(['fetch', 'nodeFetch'] as const)('a redirect to http is refused (%s)', async (transport) => {
    const before = plainHits;
    const outcome = await download('video_redirect', transport);
    expect(outcome.name).toBe('UnsafeLinkError');
    expect(outcome.message).toContain('a downgrade from an https: API to http:');
    // nodeFetch checks each hop before following it; the global fetch follows by itself, so its answer is
    // dropped unread instead.
    if (transport === 'nodeFetch') expect(plainHits).toBe(before);
  });

  test.each(['fetch', 'nodeFetch'] as const)(
    'a JSON link to http is refused unfetched (%s)',
    async (transport) => {
      const before = plainHits;
      const outcome = await download('video_link', transport);
      expect(outcome.name).toBe('UnsafeLinkError');
      expect(plainHits).toBe(before);
    },
  );

  test('the control: a redirect that stays on https is followed', async () => {
    expect(await download('video_secure', 'fetch')).toEqual({ ok: 'secure bytes' });
  });
});
