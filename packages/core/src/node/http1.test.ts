/// <reference types="node" />
import { once } from 'node:events';
import { type AddressInfo, createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { afterEach, describe, expect, test } from 'vitest';
import { APIConnectionTimeoutError } from '../errors.js';
import { BUFFER_SIZE, HttpProtocolError, MAX_HEAD_BYTES, type RawBody, requestRaw } from './http1.js';

// The lean HTTP/1.1 client of nodeFetch against servers that write their bytes by hand: framings, splits
// at every awkward place, heads and bodies no real server should send, a slow reader, a silent server.

// A self-signed certificate for localhost and 127.0.0.1 (test only; valid until 2125).
const KEY = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg5WxO8ia6ho2uXfWE
NUY1IXt9954hXKeX23B/27/TzKihRANCAAQgS9+12TnxCMXa0BJmNOSIizrPmHcX
AC5mwaRa/6sEvhu8MS91SRZw5GxQPtVizs5FgCI7jCUafOxqEl+4os3G
-----END PRIVATE KEY-----`;
const CERT = `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUK5yTQNmyHmMHkSjzAzz6Yzob3TYwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyNzEzMzUwMloYDzIxMjYxMTAz
MTMzNTAyWjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAAQgS9+12TnxCMXa0BJmNOSIizrPmHcXAC5mwaRa/6sEvhu8MS91SRZw
5GxQPtVizs5FgCI7jCUafOxqEl+4os3Go28wbTAdBgNVHQ4EFgQUX3J3VCeVDEeD
HaJSOLEfU2eBd70wHwYDVR0jBBgwFoAUX3J3VCeVDEeDHaJSOLEfU2eBd70wDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIgATJxRGXWGJwidxQv7vSjWFm63rdN6tJOXkiAt5IXYgsCIQCU
4s8e/BOBV97GHVLAFh+v3qNZ8vNumf3Bz4Yc/oNJ1Q==
-----END CERTIFICATE-----`;

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
  }
});

/** A TCP server that runs `answer` on each connection once the request head arrived. */
async function serve(answer: (socket: Socket, request: string) => void | Promise<void>, tls = false) {
  const onConnection = (socket: Socket) => {
    let request = '';
    socket.on('error', () => {});
    socket.on('data', function onData(data) {
      request += data.toString('latin1');
      if (!request.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      Promise.resolve(answer(socket, request)).catch(() => socket.destroy());
    });
  };
  const server = tls ? createTlsServer({ key: KEY, cert: CERT }, onConnection) : createServer(onConnection);
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}/v1/videos/v/content?variant=video`;
}

/** Bytes 0, 1, … 250, 0, 1, …: a body whose every byte is checked, not just its length. */
const pattern = (size: number) => Buffer.from(Uint8Array.from({ length: size }, (_, i) => i % 251));

/** Reads a whole body with `next()`/`release()`, releasing each buffer after `holdMs` (a slow disk). */
async function readAll(body: RawBody, holdMs = 0) {
  const parts: Buffer[] = [];
  for (let view = await body.next(); view; view = await body.next()) {
    parts.push(Buffer.from(view));
    if (holdMs) await new Promise((resolve) => setTimeout(resolve, holdMs));
    body.release(view);
  }
  return Buffer.concat(parts);
}

/** Writes `data` in pieces of `size` bytes, letting each go out before the next. */
async function dribble(socket: Socket, data: Buffer, size: number) {
  for (let at = 0; at < data.length; at += size) {
    if (!socket.write(data.subarray(at, at + size))) await once(socket, 'drain');
    await new Promise((resolve) => setImmediate(resolve));
  }
}

const head = (lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

describe('requests', () => {
  test('sends one GET with the path, query, Host and the headers given, and Connection: close', async () => {
    let seen = '';
    const url = await serve((socket, request) => {
      seen = request;
      socket.end(head(['HTTP/1.1 204 No Content']));
    });
    const res = await requestRaw(new URL(url), new Headers({ Authorization: 'Bearer k', 'X-A': '1' }));
    expect(res.status).toBe(204);
    expect(await res.body.next()).toBeUndefined();
    const lines = seen.split('\r\n');
    expect(lines[0]).toBe('GET /v1/videos/v/content?variant=video HTTP/1.1');
    expect(lines).toContain(`Host: ${new URL(url).host}`);
    expect(lines).toContain('authorization: Bearer k');
    expect(lines).toContain('x-a: 1');
    expect(lines).toContain('Connection: close');
  });

  test('other methods and protocols are refused before any connection', async () => {
    await expect(
      requestRaw(new URL('http://127.0.0.1:9/'), new Headers(), { method: 'POST' }),
    ).rejects.toThrow(TypeError);
    await expect(requestRaw(new URL('ftp://127.0.0.1/'), new Headers())).rejects.toThrow(TypeError);
  });
});

describe('bodies', () => {
  test('Content-Length: many buffers long, sent in odd pieces, read by a slow reader: every byte, in order', async () => {
    const body = pattern(3 * BUFFER_SIZE + 12_345);
    const url = await serve(async (socket) => {
      socket.write(head(['HTTP/1.1 200 OK', `Content-Length: ${body.length}`, 'ETag: "x"']));
      await dribble(socket, body, 100_003);
      socket.end();
    });
    const res = await requestRaw(new URL(url), new Headers());
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"x"');
    // Holding each buffer pauses the socket with both out; the reads then resume through the parking buffer.
    expect((await readAll(res.body, 5)).equals(body)).toBe(true);
  });

  test('the head and the start of the body in one write, bytes past Content-Length ignored', async () => {
    const url = await serve((socket) => {
      socket.end(Buffer.concat([head(['HTTP/1.1 200 OK', 'Content-Length: 5']), Buffer.from('helloEXTRA')]));
    });
    const res = await requestRaw(new URL(url), new Headers());
    expect((await readAll(res.body)).toString()).toBe('hello');
  });

  test('chunked: sizes in any case, extensions, trailers, every split of the framing', async () => {
    const body = pattern(2 * BUFFER_SIZE + 777);
    const sizes = [1, 0x1a, 4096, BUFFER_SIZE - 3, 65_537];
    const framed: Buffer[] = [];
    let at = 0;
    for (let i = 0; at < body.length; i++) {
      const size = Math.min(sizes[i % sizes.length]!, body.length - at);
      const hex = i % 2 ? size.toString(16).toUpperCase() : size.toString(16);
      framed.push(
        Buffer.from(`${hex}${i % 3 ? '' : ';ext=1'}\r\n`),
        body.subarray(at, at + size),
        Buffer.from('\r\n'),
      );
      at += size;
    }
    framed.push(Buffer.from('0\r\nX-Trailer: yes\r\n\r\n'));
    const url = await serve(async (socket) => {
      socket.write(head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']));
      await dribble(socket, Buffer.concat(framed), 7919);
      // The connection stays open: the last chunk and the trailers end the body.
    });
    const res = await requestRaw(new URL(url), new Headers());
    expect((await readAll(res.body, 1)).equals(body)).toBe(true);
  });

  test('no length: the body runs to the close', async () => {
    const url = await serve((socket) => {
      socket.end(Buffer.concat([head(['HTTP/1.1 200 OK']), Buffer.from('to the end')]));
    });
    const res = await requestRaw(new URL(url), new Headers());
    expect((await readAll(res.body)).toString()).toBe('to the end');
  });

  test('100 Continue and 103 Early Hints are skipped; bare LF line ends are read', async () => {
    const url = await serve((socket) => {
      socket.end(
        'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\nLink: </a>\n\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok',
      );
    });
    const res = await requestRaw(new URL(url), new Headers());
    expect(res.status).toBe(200);
    expect((await readAll(res.body)).toString()).toBe('ok');
  });

  test('async iteration yields copies (chunks a caller may keep)', async () => {
    const body = pattern(BUFFER_SIZE * 2 + 1);
    const url = await serve((socket) => {
      socket.end(Buffer.concat([head(['HTTP/1.1 200 OK', `Content-Length: ${body.length}`]), body]));
    });
    const res = await requestRaw(new URL(url), new Headers());
    const kept: Uint8Array[] = [];
    for await (const chunk of res.body) kept.push(chunk);
    expect(Buffer.concat(kept).equals(body)).toBe(true);
  });
});

describe('answers that cannot be right', () => {
  test.each([
    ['not HTTP', 'SSH-2.0-OpenSSH\r\n\r\n'],
    ['a space before the colon', 'HTTP/1.1 200 OK\r\nContent-Length : 1\r\n\r\nx'],
    ['a folded header line', 'HTTP/1.1 200 OK\r\nX-A: 1\r\n  2\r\n\r\n'],
    ['a control character in a value', 'HTTP/1.1 200 OK\r\nX-A: a\x01b\r\n\r\n'],
    ['two different lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx'],
    ['a length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n'],
    ['101 Switching Protocols', 'HTTP/1.1 101 Switching Protocols\r\n\r\n'],
    ['a status out of range', 'HTTP/1.1 999 Nine\r\nContent-Length: 0\r\n\r\n'],
  ])('%s: HttpProtocolError', async (_, answer) => {
    const url = await serve((socket) => {
      socket.end(answer);
    });
    await expect(requestRaw(new URL(url), new Headers())).rejects.toThrow(HttpProtocolError);
  });

  test('a head without end past 64 KiB: refused, not buffered on', async () => {
    const url = await serve(async (socket) => {
      socket.write('HTTP/1.1 200 OK\r\n');
      await dribble(socket, Buffer.from(`X-Big: ${'a'.repeat(MAX_HEAD_BYTES + 10)}`), 8192);
    });
    await expect(requestRaw(new URL(url), new Headers())).rejects.toThrow(/head over/);
  });

  test.each([
    ['a size that is not hex', '5\r\nhello\r\nzz\r\n'],
    ['data longer than its size', '2\r\nhello\r\n0\r\n\r\n'],
  ])('chunked, %s: the body fails after what was valid', async (_, framed) => {
    const url = await serve((socket) => {
      socket.end(
        Buffer.concat([head(['HTTP/1.1 200 OK', 'Transfer-Encoding: chunked']), Buffer.from(framed)]),
      );
    });
    const res = await requestRaw(new URL(url), new Headers());
    await expect(readAll(res.body)).rejects.toThrow(HttpProtocolError);
  });

  test('a body cut short: what arrived is handed over, then the error', async () => {
    const url = await serve((socket) => {
      socket.end(Buffer.concat([head(['HTTP/1.1 200 OK', 'Content-Length: 100']), Buffer.from('only this')]));
    });
    const res = await requestRaw(new URL(url), new Headers());
    const first = await res.body.next();
    expect(Buffer.from(first!).toString()).toBe('only this');
    res.body.release(first!);
    await expect(res.body.next()).rejects.toThrow(/closed before the answer ended/);
  });

  test('a connection refused rejects the request', async () => {
    const url = await serve(() => {});
    const port = new URL(url).port;
    for (const server of servers.splice(0)) server.close();
    await expect(requestRaw(new URL(`http://127.0.0.1:${port}/`), new Headers())).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

describe('timeouts and aborts', () => {
  test('a body that goes silent fails with APIConnectionTimeoutError after the idle timeout', async () => {
    const url = await serve((socket) => {
      socket.write(Buffer.concat([head(['HTTP/1.1 200 OK', 'Content-Length: 10']), Buffer.from('abc')]));
    });
    const res = await requestRaw(new URL(url), new Headers());
    res.body.setIdleTimeout(200);
    const started = performance.now();
    const first = await res.body.next().catch((e) => e);
    // 'abc' stays in the filling buffer until the error hands it over.
    expect(Buffer.from(first as Uint8Array).toString()).toBe('abc');
    await expect(res.body.next()).rejects.toBeInstanceOf(APIConnectionTimeoutError);
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  test('time the reader holds both buffers (a slow disk) is not idle time', async () => {
    const body = pattern(4 * BUFFER_SIZE);
    const url = await serve(async (socket) => {
      socket.write(head(['HTTP/1.1 200 OK', `Content-Length: ${body.length}`]));
      await dribble(socket, body, 65_536);
      socket.end();
    });
    const res = await requestRaw(new URL(url), new Headers());
    // Holding each buffer far longer than the idle timeout; the timeout itself is generous, so that a
    // sender starved of CPU on a loaded machine is not taken for an idle one.
    res.body.setIdleTimeout(1000);
    expect((await readAll(res.body, 2500)).equals(body)).toBe(true);
  });

  test('an abort signal drops the connection: the head, or the body, rejects with its reason', async () => {
    const url = await serve((socket) => {
      socket.write(head(['HTTP/1.1 200 OK', 'Content-Length: 10']));
    });
    const controller = new AbortController();
    const res = await requestRaw(new URL(url), new Headers(), { signal: controller.signal });
    const reading = res.body.next();
    controller.abort(new Error('stop'));
    await expect(reading).rejects.toThrow('stop');
    const early = new AbortController();
    early.abort(new Error('before'));
    await expect(requestRaw(new URL(url), new Headers(), { signal: early.signal })).rejects.toThrow('before');
  });
});

describe('TLS', () => {
  test('https: the certificate is verified (a self-signed one is refused)', async () => {
    const url = await serve((socket) => {
      socket.end(head(['HTTP/1.1 204 No Content']));
    }, true);
    await expect(requestRaw(new URL(url), new Headers())).rejects.toThrow(/self-signed|self signed/);
  });

  test('https with a trusted certificate: the body arrives whole', async () => {
    const body = pattern(BUFFER_SIZE + 99);
    const url = await serve(async (socket) => {
      socket.write(head(['HTTP/1.1 200 OK', `Content-Length: ${body.length}`]));
      await dribble(socket, body, 50_000);
    }, true);
    const res = await requestRaw(new URL(url), new Headers(), { tls: { ca: CERT } });
    expect((await readAll(res.body, 2)).equals(body)).toBe(true);
  });
});
