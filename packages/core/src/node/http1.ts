/// <reference types="node" />
import { isIP, connect as netConnect, type Socket } from 'node:net';
import type { ConnectionOptions, connect as TlsConnect } from 'node:tls';
import { APIConnectionTimeoutError } from '../errors.js';
import { RawHeaders, TOKEN } from './raw-headers.js';

// A minimal HTTP/1.1 GET over a TCP or TLS socket that reads the body straight into two reusable 512 KiB
// buffers (the socket's `onread` option): one is written to disk while the other fills. Node's http client
// hands over each 64 KiB read in a freshly allocated buffer, copied again when the read was short, and
// those pages fault in and go cold before they reach the file; moving 512 MiB that way took about twice
// the CPU of curl. Here nothing is allocated per read, and each buffer is written while still hot.

/** The size of each of the two read buffers: small enough to stay in the CPU caches between the read and the write. */
export const BUFFER_SIZE = 512 * 1024;
/** A buffer with less room left than this is handed over, so that reads stay large. */
const MIN_READ = 64 * 1024;
/** The largest response head accepted (status line and headers); Node's own limit is 16 KiB. */
export const MAX_HEAD_BYTES = 64 * 1024;
/** The longest chunk-size line (with extensions) or trailer section of a chunked body. */
const MAX_CHUNK_LINE = 4096;

/** A malformed or unsupported answer. */
export class HttpProtocolError extends Error {}
HttpProtocolError.prototype.name = 'HttpProtocolError';

/** The answer's head; its body is read with {@link RawBody}. */
export interface RawResponse {
  status: number;
  statusText: string;
  headers: RawHeaders;
  body: RawBody;
}

type Framing =
  | { kind: 'none' }
  | { kind: 'length'; left: number }
  | { kind: 'close' }
  | { kind: 'chunked'; state: ChunkState; size: number; line: number; sawDigit: boolean };
type ChunkState = 'size' | 'ext' | 'size-lf' | 'data' | 'data-cr' | 'data-lf' | 'trailer';

// Field values: visible characters, spaces and tabs, and obs-text (bytes 0x80-0xff, read as latin1).
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

/**
 * The body of an answer, read into two reusable buffers. `next()` resolves with a filled buffer (a view);
 * the caller hands it back with `release()` once done with it (written), which lets the socket read into
 * it again: with both buffers out, reading pauses (and so does the idle timeout). Async iteration yields
 * copies instead, for callers that keep chunks.
 */
export class RawBody implements AsyncIterable<Uint8Array> {
  readonly #socket: Socket;
  readonly #buffers: Buffer[] = [];
  readonly #free: Buffer[] = [];
  /** Where a read goes while both buffers are out (the socket is then paused): copied in on resume. */
  #parking: Buffer | undefined;
  #current: Buffer | undefined;
  #fill = 0;
  #paused = false;
  #framing: Framing = { kind: 'close' };
  /** Until the head is parsed, the reads accumulate in the first buffer. */
  #head: ((response: RawResponse) => void) | undefined;
  #headFailed: ((error: Error) => void) | undefined;
  #method: string;
  readonly #ready: Uint8Array[] = [];
  #waiter: { resolve: (view: Uint8Array | undefined) => void; reject: (error: Error) => void } | undefined;
  #done = false;
  #error: Error | undefined;
  #idleMs = 0;

  constructor(
    url: URL,
    headers: Iterable<readonly [string, string]>,
    method: string,
    signal: AbortSignal | undefined,
    tls: ConnectionOptions = {},
    tlsConnect?: typeof TlsConnect,
  ) {
    this.#method = method;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
    const onread = {
      buffer: () => this.#target(),
      callback: (nread: number, buffer: Uint8Array) => this.#onRead(nread, buffer),
    };
    if (url.protocol === 'https:' && !tlsConnect) throw new TypeError('An https request needs node:tls');
    this.#socket =
      url.protocol === 'https:'
        ? tlsConnect!({
            host,
            port,
            servername: isIP(host) ? undefined : host,
            ALPNProtocols: ['http/1.1'],
            ...tls,
            onread,
          } as unknown as ConnectionOptions)
        : netConnect({ host, port, onread });
    const lines = [`${method} ${url.pathname}${url.search} HTTP/1.1`, `Host: ${url.host}`];
    for (const [name, value] of headers)
      if (name !== 'host' && name !== 'connection') lines.push(`${name}: ${value}`);
    lines.push('Connection: close', '', '');
    // Not `end()`: some servers take a half-closed connection for a client gone, and drop the answer.
    this.#socket.write(lines.join('\r\n'), 'latin1');
    this.#socket.on('end', () => this.#onEnd());
    this.#socket.on('close', () => this.#onEnd());
    this.#socket.on('error', (error) => this.#fail(error));
    this.#socket.on('timeout', () => {
      if (!this.#paused) this.destroy(new APIConnectionTimeoutError());
    });
    if (signal) {
      const abort = () => this.destroy(signal.reason instanceof Error ? signal.reason : new Error('Aborted'));
      if (signal.aborted) abort();
      else {
        signal.addEventListener('abort', abort, { once: true });
        this.#socket.on('close', () => signal.removeEventListener('abort', abort));
      }
    }
  }

  /** Resolves with the answer's head once it arrived (1xx answers are skipped). */
  head(): Promise<RawResponse> {
    return new Promise((resolve, reject) => {
      if (this.#error) return reject(this.#error);
      this.#head = resolve;
      this.#headFailed = reject;
    });
  }

  /**
   * Fails the body with `APIConnectionTimeoutError` when no byte arrives for `ms` while it is being read
   * (time paused because both buffers are out, waiting for the disk, does not count).
   */
  setIdleTimeout(ms: number): void {
    this.#idleMs = ms;
    this.#socket.setTimeout(ms);
  }

  /** The next filled buffer, or `undefined` at the end. Rejects when the connection broke or went idle. */
  next(): Promise<Uint8Array | undefined> {
    const view = this.#ready.shift();
    if (view) return Promise.resolve(view);
    if (this.#error) return Promise.reject(this.#error);
    if (this.#done) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /** Hands a buffer from `next()` back, to be read into again. */
  release(view: Uint8Array): void {
    const buffer = this.#buffers.find((b) => b.buffer === view.buffer);
    if (!buffer || this.#free.includes(buffer)) return;
    this.#free.push(buffer);
    if (this.#paused && !this.#done && !this.#error) {
      this.#paused = false;
      this.#current = this.#free.pop();
      this.#fill = 0;
      this.#socket.resume();
      if (this.#idleMs) this.#socket.setTimeout(this.#idleMs); // counts again from now
    }
  }

  /** Drops the connection; a read in progress fails with `error`. */
  destroy(error: Error = new Error('The body was cancelled')): void {
    this.#fail(error);
    this.#socket.destroy();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array> {
    try {
      for (let view = await this.next(); view; view = await this.next()) {
        const copy = Uint8Array.prototype.slice.call(view); // (Buffer#slice would not copy)
        this.release(view);
        yield copy;
      }
    } finally {
      if (!this.#done) this.destroy();
    }
  }

  /** Where the next read goes: the free end of the current buffer, or the parking buffer. */
  #target(): Uint8Array {
    if (!this.#current) {
      if (!this.#buffers.length) this.#current = this.#allocate();
      else {
        this.#parking ??= Buffer.allocUnsafeSlow(MIN_READ);
        return this.#parking;
      }
    }
    return this.#current.subarray(this.#fill);
  }

  #allocate(): Buffer {
    const buffer = Buffer.allocUnsafeSlow(BUFFER_SIZE);
    this.#buffers.push(buffer);
    return buffer;
  }

  /** One read: `nread` bytes at the start of `target` (the free end of the current buffer, or parking). */
  #onRead(nread: number, target: Uint8Array): boolean {
    if (this.#done || this.#error) return true;
    const current = this.#current!;
    if (target === this.#parking) current.set(target.subarray(0, nread), this.#fill);
    const start = this.#fill;
    this.#fill += nread;
    try {
      if (this.#head) {
        if (!this.#parseHead()) return true;
      } else this.#onBody(start);
    } catch (error) {
      this.destroy(error as Error);
      return false;
    }
    if (this.#done) return false;
    if (BUFFER_SIZE - this.#fill >= MIN_READ) return true;
    return this.#handOver();
  }

  /** Hands the current buffer to the reader and moves on to a free one; pauses when there is none. */
  #handOver(): boolean {
    this.#deliver(this.#current!.subarray(0, this.#fill));
    this.#fill = 0;
    this.#current = this.#free.pop() ?? (this.#buffers.length < 2 ? this.#allocate() : undefined);
    this.#paused = !this.#current;
    return !this.#paused;
  }

  #deliver(view: Uint8Array): void {
    if (!view.byteLength) return;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    if (waiter) waiter.resolve(view);
    else this.#ready.push(view);
  }

  /** Parses a complete head at the start of the current buffer, if there is one; answers whether it did. */
  #parseHead(): boolean {
    const buffer = this.#current!;
    for (;;) {
      const end = headEnd(buffer, this.#fill);
      if (end < 0) {
        if (this.#fill > MAX_HEAD_BYTES)
          throw new HttpProtocolError(`Response head over ${MAX_HEAD_BYTES} bytes`);
        return false;
      }
      const { status, statusText, headers } = parseHead(buffer.toString('latin1', 0, end));
      // What follows the head moves to the start of the buffer.
      buffer.copyWithin(0, end, this.#fill);
      this.#fill -= end;
      if (status < 200) {
        if (status === 101) throw new HttpProtocolError('Unexpected 101 Switching Protocols');
        continue; // 100 Continue, 103 Early Hints: the real answer follows
      }
      this.#framing = framingOf(status, headers, this.#method);
      const resolve = this.#head!;
      this.#head = undefined;
      this.#headFailed = undefined;
      resolve({ status, statusText, headers, body: this });
      const after = this.#fill;
      this.#fill = 0;
      this.#onBody(0, after);
      return true;
    }
  }

  /** New body bytes at `start` up to the fill mark (or `start + count`): framing applied in place. */
  #onBody(start: number, count = this.#fill - start): void {
    const framing = this.#framing;
    const buffer = this.#current!;
    this.#fill = start;
    switch (framing.kind) {
      case 'none':
        this.#finish();
        return;
      case 'close':
        this.#fill += count;
        return;
      case 'length': {
        const take = Math.min(count, framing.left);
        framing.left -= take;
        this.#fill += take;
        if (framing.left === 0) this.#finish();
        return;
      }
      case 'chunked':
        this.#fill = dechunk(framing, buffer, start, start + count);
        if (framing.state === 'trailer' && framing.size === -1) this.#finish();
    }
  }

  /** The whole body arrived: hand over the rest, then report the end. */
  #finish(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#current && this.#fill) this.#deliver(this.#current.subarray(0, this.#fill));
    this.#fill = 0;
    this.#current = undefined;
    this.#socket.destroy(); // Connection: close; the answer is complete
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.resolve(undefined);
  }

  #onEnd(): void {
    if (this.#done || this.#error) return;
    // A body read until the close is complete now; any other was cut short.
    if (!this.#head && this.#framing.kind === 'close') this.#finish();
    else this.#fail(new Error('The connection closed before the answer ended'));
  }

  /** The connection broke: what did arrive is handed over first, then the error. */
  #fail(error: Error): void {
    if (this.#done || this.#error) return;
    this.#error = error;
    if (this.#head) {
      this.#headFailed?.(error);
      this.#head = undefined;
      return;
    }
    if (this.#current && this.#fill) this.#deliver(this.#current.subarray(0, this.#fill));
    this.#fill = 0;
    this.#current = undefined;
    const waiter = this.#waiter;
    this.#waiter = undefined;
    waiter?.reject(error);
  }
}

/** Where the head ends (after its blank line) in `buffer[0, fill)`, or -1. Bare LF line ends are accepted. */
function headEnd(buffer: Buffer, fill: number): number {
  const view = buffer.subarray(0, Math.min(fill, MAX_HEAD_BYTES + 4));
  const crlf = view.indexOf('\r\n\r\n', 0, 'latin1');
  const lf = view.indexOf('\n\n', 0, 'latin1');
  if (lf >= 0 && (crlf < 0 || lf < crlf)) return lf + 2;
  return crlf >= 0 ? crlf + 4 : -1;
}

/** The status line and header fields of a head (latin1 text, ending in its blank line). */
export function parseHead(text: string): { status: number; statusText: string; headers: RawHeaders } {
  const lines = text.split(/\r?\n/);
  const status = /^HTTP\/1\.[01] (\d{3})(?: ([^\r\n]*))?$/.exec(lines[0] ?? '');
  if (!status)
    throw new HttpProtocolError(`Not an HTTP/1.1 status line: ${JSON.stringify(lines[0]?.slice(0, 40))}`);
  const headers = new RawHeaders();
  for (const line of lines.slice(1)) {
    if (!line) continue;
    const colon = line.indexOf(':');
    const name = line.slice(0, colon);
    const value = line.slice(colon + 1).replace(/^[ \t]+|[ \t]+$/g, '');
    // No folded lines, no space before the colon, no control characters (RFC 9112 §5).
    if (colon <= 0 || !TOKEN.test(name) || !FIELD_VALUE.test(value))
      throw new HttpProtocolError(`Malformed header line: ${JSON.stringify(line.slice(0, 40))}`);
    headers.append(name, value);
  }
  const code = Number(status[1]);
  if (code < 100 || code > 599) throw new HttpProtocolError(`Status ${code} out of range`);
  return { status: code, statusText: status[2] ?? '', headers };
}

/** How the body of an answer is delimited (RFC 9112 §6.3). */
function framingOf(status: number, headers: RawHeaders, method: string): Framing {
  if (method === 'HEAD' || status === 204 || status === 304) return { kind: 'none' };
  const encoding = headers.get('transfer-encoding');
  if (encoding !== null) {
    const last = encoding.split(',').at(-1)?.trim().toLowerCase();
    // Any other final coding: the body runs to the close (and is not what this client asked for).
    return last === 'chunked'
      ? { kind: 'chunked', state: 'size', size: 0, line: 0, sawDigit: false }
      : { kind: 'close' };
  }
  const length = headers.get('content-length');
  if (length === null) return { kind: 'close' };
  const values = new Set(length.split(',').map((v) => v.trim()));
  const [value] = values;
  if (values.size !== 1 || !/^\d{1,15}$/.test(value!))
    throw new HttpProtocolError(`Invalid Content-Length: ${JSON.stringify(length.slice(0, 40))}`);
  const left = Number(value);
  return left ? { kind: 'length', left } : { kind: 'none' };
}

/**
 * Decodes chunked framing in `buffer[from, to)` in place: data bytes move down to the write mark (which
 * starts at `from`), framing is dropped. Answers the new write mark. At the end (last chunk and trailers
 * read), the state is `trailer` with size -1.
 */
function dechunk(f: Extract<Framing, { kind: 'chunked' }>, buffer: Buffer, from: number, to: number): number {
  let out = from;
  let at = from;
  const fail = (what: string) => {
    throw new HttpProtocolError(`Invalid chunked body: ${what}`);
  };
  while (at < to) {
    if (f.state === 'data') {
      const take = Math.min(f.size, to - at);
      if (out !== at) buffer.copyWithin(out, at, at + take);
      out += take;
      at += take;
      f.size -= take;
      if (f.size === 0) f.state = 'data-cr';
      continue;
    }
    const byte = buffer[at++]!;
    if (++f.line > MAX_CHUNK_LINE) fail('line too long');
    switch (f.state) {
      case 'size': {
        const digit =
          byte >= 48 && byte <= 57
            ? byte - 48
            : (byte | 32) >= 97 && (byte | 32) <= 102
              ? (byte | 32) - 87
              : -1;
        if (digit >= 0) {
          f.size = f.size * 16 + digit;
          f.sawDigit = true;
          if (f.size > Number.MAX_SAFE_INTEGER / 16) fail('chunk too large');
        } else if (!f.sawDigit) fail('no chunk size');
        else if (byte === 59 || byte === 32 || byte === 9) f.state = 'ext';
        else if (byte === 13) f.state = 'size-lf';
        else if (byte === 10) endOfSize(f);
        else fail('bad chunk size');
        break;
      }
      case 'ext':
        if (byte === 13) f.state = 'size-lf';
        else if (byte === 10) endOfSize(f);
        break;
      case 'size-lf':
        if (byte !== 10) fail('missing LF after the chunk size');
        endOfSize(f);
        break;
      case 'data-cr':
        if (byte === 13) f.state = 'data-lf';
        else if (byte === 10) nextChunk(f);
        else fail('missing CRLF after chunk data');
        break;
      case 'data-lf':
        if (byte !== 10) fail('missing LF after chunk data');
        nextChunk(f);
        break;
      case 'trailer':
        // Trailer fields are skipped; an empty line ends them (size counts the line's bytes so far).
        if (byte === 10) {
          if (f.size === 0) {
            f.size = -1;
            return out;
          }
          f.size = 0;
        } else if (byte !== 13) f.size++;
        break;
    }
  }
  return out;
}

function endOfSize(f: Extract<Framing, { kind: 'chunked' }>) {
  f.line = 0;
  f.sawDigit = false;
  f.state = f.size === 0 ? 'trailer' : 'data';
}

function nextChunk(f: Extract<Framing, { kind: 'chunked' }>) {
  f.line = 0;
  f.size = 0;
  f.state = 'size';
}

/** Sends a GET (or HEAD) to `url` and resolves with the head of the answer, its body unread. */
export async function requestRaw(
  url: URL,
  /** Lower-case names (a `Headers`, or `requestFields`' map); `Host` and `Connection` are set here. */
  headers: Iterable<readonly [string, string]>,
  {
    method = 'GET',
    signal,
    tls,
  }: {
    method?: string;
    signal?: AbortSignal | undefined;
    /** Extra TLS options (tests: a private CA). */
    tls?: ConnectionOptions;
  } = {},
): Promise<RawResponse> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new TypeError(`Unsupported protocol ${url.protocol}`);
  if (method !== 'GET' && method !== 'HEAD')
    throw new TypeError('nodeFetch sends GET and HEAD requests only');
  // node:tls is loaded for the first https request only: a few ms of start-up that plain http never needs.
  const tlsConnect = url.protocol === 'https:' ? (await import('node:tls')).connect : undefined;
  return new RawBody(url, headers, method, signal, tls, tlsConnect).head();
}
