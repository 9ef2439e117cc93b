import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer as createHttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createTcpServer, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { APIConnectionError, APIConnectionTimeoutError, createSoraClient } from './index.js';

// Errors that name the place: what a user sees when the API cannot be reached says which host and why, in
// the runtime's words, and never the key or the query. Real sockets on loopback, a real DNS lookup of a
// name that cannot exist (RFC 6761 reserves `.invalid`), a real TLS server with an expired certificate.
const KEY = 'sk-connection-test-Xq81LmNw2Rt';
const run = promisify(execFile);

/** The error a call rejects with (the test fails if it resolves). */
async function failureOf(promise: PromiseLike<unknown>): Promise<Error> {
  return promise.then(
    () => expect.unreachable('the call succeeded'),
    (error: Error) => error,
  );
}

/** A loopback port that nothing listens on: bound by a server that is then closed. */
async function refusedPort(): Promise<number> {
  const server = createTcpServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  server.close();
  await once(server, 'close');
  return port;
}

describe('a connection that fails names the host and the reason', () => {
  test('a refused port: ECONNREFUSED and the address, not the key, the path or the query', async () => {
    const port = await refusedPort();
    const client = createSoraClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const error = await failureOf(client.videos.list({ after: 'video_cursor_secret', limit: 3 }));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toBe(
      `Could not connect to 127.0.0.1:${port}: connect ECONNREFUSED 127.0.0.1:${port}`,
    );
    expect(error.message).not.toMatch(/cursor|limit|\/v1|sk-/);
    expect((error.cause as Error).message).toBe('fetch failed'); // the runtime's error is still there
  });

  test('localhost, refused on every address it has: the code of an AggregateError', async () => {
    const port = await refusedPort();
    const client = createSoraClient({ apiKey: KEY, baseUrl: `http://localhost:${port}`, maxRetries: 0 });
    const error = await failureOf(client.videos.retrieve('video_1'));
    // One address (127.0.0.1): its error; both (::1 too): an AggregateError whose only words are its code.
    expect(error.message).toMatch(
      new RegExp(`^Could not connect to localhost:${port}: (connect )?ECONNREFUSED( \\S+:${port})?$`),
    );
  });

  test('a name that does not resolve: getaddrinfo and the name', async () => {
    const client = createSoraClient({
      apiKey: KEY,
      baseUrl: 'https://api.sora-kit-test.invalid',
      maxRetries: 0,
    });
    const error = await failureOf(client.videos.retrieve('video_1'));
    expect(error).toBeInstanceOf(APIConnectionError);
    // ENOTFOUND from a resolver that answers; EAI_AGAIN where no DNS server can be reached at all.
    expect(error.message).toMatch(
      /^Could not connect to api\.sora-kit-test\.invalid: getaddrinfo (ENOTFOUND|EAI_AGAIN) api\.sora-kit-test\.invalid$/,
    );
  });

  test('no answer within `timeout`: the host and the time waited', async () => {
    // A server that takes the connection and never answers.
    const sockets = new Set<Socket>();
    const server = createTcpServer((socket) => sockets.add(socket)).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    try {
      const client = createSoraClient({
        apiKey: KEY,
        baseUrl: `http://127.0.0.1:${port}/v1?token=query-secret`,
        timeout: 200,
        maxRetries: 0,
      });
      const error = await failureOf(client.videos.retrieve('video_1'));
      expect(error).toBeInstanceOf(APIConnectionTimeoutError);
      expect(error.message).toBe(`Could not connect to 127.0.0.1:${port}: no answer within 200 ms`);
      expect(error.message).not.toContain('secret');
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  test('a key that a runtime echoes into its reason is scrubbed from the message', async () => {
    const client = createSoraClient({
      apiKey: KEY,
      baseUrl: 'http://127.0.0.1:1',
      maxRetries: 0,
      fetch: (_url, init) => {
        const auth = new Headers(init?.headers).get('authorization');
        return Promise.reject(new TypeError('fetch failed', { cause: new Error(`proxy refused ${auth}`) }));
      },
    });
    const error = await failureOf(client.videos.retrieve('video_1'));
    expect(error.message).toBe('Could not connect to 127.0.0.1:1: proxy refused Bearer [redacted]');
  });

  test('a cause chain that loops still gives a message', async () => {
    const looped = new Error('outer') as Error & { cause?: unknown };
    looped.cause = looped;
    const client = createSoraClient({
      apiKey: KEY,
      baseUrl: 'http://127.0.0.1:1',
      maxRetries: 0,
      fetch: () => Promise.reject(looped),
    });
    const error = await failureOf(client.videos.retrieve('video_1'));
    expect(error.message).toBe('Could not connect to 127.0.0.1:1: outer');
  });
});

describe('TLS', () => {
  let dir: string;
  let server: ReturnType<typeof createHttpsServer>;
  let url: string;
  beforeAll(async () => {
    // A certificate for 127.0.0.1 that was valid for one day in 2020, signed by itself (`openssl ca`
    // alone can date a certificate in the past on OpenSSL 3.0).
    dir = await mkdtemp(join(tmpdir(), 'sora-kit-tls-'));
    const config = [
      '[ca]',
      'default_ca = expired',
      '[expired]',
      `dir = ${dir}`,
      'database = $dir/index.txt',
      'new_certs_dir = $dir',
      'serial = $dir/serial',
      'default_md = sha256',
      'policy = anything',
      'x509_extensions = ext',
      '[anything]',
      'commonName = supplied',
      '[ext]',
      'subjectAltName = IP:127.0.0.1',
      'basicConstraints = critical,CA:TRUE',
    ].join('\n');
    await Promise.all([
      writeFile(join(dir, 'ca.cnf'), config),
      writeFile(join(dir, 'index.txt'), ''),
      writeFile(join(dir, 'serial'), '01\n'),
    ]);
    const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    await openssl(
      ...['req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'],
      ...['-keyout', 'key.pem', '-out', 'req.csr', '-subj', '/CN=127.0.0.1'],
    );
    await openssl(
      ...['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'key.pem', '-in', 'req.csr'],
      ...['-out', 'cert.pem', '-notext', '-startdate', '20200101000000Z', '-enddate', '20200102000000Z'],
    );
    const [key, cert] = await Promise.all([readFile(join(dir, 'key.pem')), readFile(join(dir, 'cert.pem'))]);
    server = createHttpsServer({ key, cert }, (_req, res) => res.end('{}')).listen(0, '127.0.0.1');
    await once(server, 'listening');
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('an expired certificate of a trusted CA: "certificate has expired"', async () => {
    // Node reads extra trusted CAs at start-up only: a process of its own that trusts this one, so that the
    // expiry (not the unknown issuer) is what fails.
    const script = `
      import { createSoraClient } from '@sora-kit/core';
      const client = createSoraClient({ apiKey: ${JSON.stringify(KEY)}, baseUrl: process.argv[1], maxRetries: 0 });
      client.videos.retrieve('video_1').then(() => console.log('no error'), (e) => console.log(e.name + ': ' + e.message));`;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script, url], {
      cwd: join(import.meta.dirname, '..'),
      env: { ...process.env, NODE_EXTRA_CA_CERTS: join(dir, 'cert.pem') },
    });
    expect(stdout.trim()).toBe(
      `APIConnectionError: Could not connect to ${url.slice(8)}: certificate has expired`,
    );
  });

  test('a certificate no CA vouches for: the runtime says so', async () => {
    const client = createSoraClient({ apiKey: KEY, baseUrl: url, maxRetries: 0 });
    const error = await failureOf(client.videos.retrieve('video_1'));
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.message).toMatch(
      new RegExp(
        `^Could not connect to ${url.slice(8)}: (self[- ]signed certificate|certificate has expired)$`,
      ),
    );
  });

  test('a plain http server is reachable: the failures above are the certificate, not the test', async () => {
    const plain = createHttpServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"video_1","status":"queued"}'),
    ).listen(0, '127.0.0.1');
    await once(plain, 'listening');
    try {
      const port = (plain.address() as AddressInfo).port;
      const client = createSoraClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${port}`, maxRetries: 0 });
      expect((await client.videos.retrieve('video_1')).id).toBe('video_1');
    } finally {
      plain.close();
    }
  });
});
