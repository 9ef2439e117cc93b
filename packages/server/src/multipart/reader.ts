import { bodyTimeout, HandlerRefusal, tooLarge } from '../envelope.js';

/** One part of a multipart/form-data body, as this parser read it (and as the writer will write it again). */
export type Part =
  | { kind: 'text'; name: string; value: string }
  | {
      kind: 'file';
      name: string;
      filename: string;
      /** The part's media type without parameters; `application/octet-stream` when it named none. */
      type: string;
      /** The file's bytes, read from the body as they are pulled; drain it before asking for the next part. */
      stream: ReadableStream<Uint8Array>;
    };

/** What a body may hold; every breach is refused as soon as it is seen. */
export interface PartLimits {
  /** Largest whole body, in bytes (413). */
  maxBytes: number;
  /** Largest sum of the text parts, in bytes (413): only file parts may be large. */
  maxTextBytes: number;
  /** Longest wait for the next bytes of the body, in ms (408): an upload may be long, not stalled. */
  idleMs: number;
  /** Called with each part's name as soon as its headers are read; throws to refuse the part. */
  checkName(name: string, file: boolean): void;
}

const malformed = (why: string) =>
  new HandlerRefusal(400, {
    message: `The multipart body is malformed: ${why}.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_multipart',
  });

/** The client's upload broke off (a closed tab, a dropped connection). */
const unreadable = () =>
  new HandlerRefusal(400, {
    message: 'The request body could not be read to its end.',
    type: 'invalid_request_error',
    param: null,
    code: 'incomplete_body',
  });

/** 413: the text parts together pass their cap (only file parts may be large). */
const textTooLarge = (limit: number) =>
  new HandlerRefusal(413, {
    message: `The text fields of the multipart body are larger than ${limit} bytes in all; only file parts may be large.`,
    type: 'invalid_request_error',
    param: null,
    code: 'request_too_large',
  });

const encoder = new TextEncoder();
const CRLF = encoder.encode('\r\n');
const CRLF_CRLF = encoder.encode('\r\n\r\n');
const MAX_HEADER_BYTES = 8 * 1024;
/** An HTTP token (RFC 9110): a header name with a space or tab before its colon is not one. */
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const MEDIA_TYPE = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** `form-data` and its parameters: quoted strings without escapes, or tokens. Nothing else. */
const DISPOSITION =
  /^form-data((?:[ \t]*;[ \t]*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:"[^"\\]*"|[!#$%&'*+.^_`|~0-9A-Za-z-]+))*)[ \t]*$/i;
const PARAMETER = /;[ \t]*([^=;\s]+)=(?:"([^"\\]*)"|([^;\s"]+))/g;

function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const first = needle[0]!;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= haystack.length - needle.length; ) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
    i = haystack.indexOf(first, i + 1);
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** The `boundary` parameter of a multipart/form-data content type, if it has a usable one. */
export function boundaryOf(contentType: string): string | undefined {
  if (!/^multipart\/form-data\s*;/i.test(contentType)) return undefined;
  // One boundary only: with two, parsers disagree on which one splits the parts.
  if ((contentType.match(/;\s*boundary\*?=/gi) ?? []).length !== 1) return undefined;
  const match = /;\s*boundary=(?:"([^"]{1,70})"|([^;\s"]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  return boundary && /^[0-9A-Za-z'()+_,\-./:=?]+$/.test(boundary) ? boundary : undefined;
}

/**
 * A part's headers, read strictly: where parsers differ (a header name with a space before its colon, a
 * folded line, a repeated header, a parameter with escapes or one this parser does not know), the body is
 * refused rather than read one way here and another way upstream. Only the name, the filename and the
 * media type are kept: the writer writes each part again from these alone.
 */
function parseHeaders(bytes: Uint8Array): {
  name: string;
  filename: string | undefined;
  type: string | undefined;
} {
  let head: string;
  try {
    head = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw malformed('a part header is not UTF-8');
  }
  const headers = new Map<string, string>();
  for (const line of head.split('\r\n')) {
    if (/^[ \t]/.test(line)) throw malformed('a part header is folded over lines');
    // (CR, LF and other controls in a line: a parser splitting on LF alone would see another header.)
    if ([...line].some((c) => (c < ' ' && c !== '\t') || c === '\x7f'))
      throw malformed('a part header has a control character');
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).toLowerCase();
    if (colon < 1 || !TOKEN.test(name)) throw malformed('a part header line is not `Name: value`');
    if (headers.has(name)) throw malformed(`a part repeats its ${name} header`);
    headers.set(name, line.slice(colon + 1).trim());
  }
  const encoding = headers.get('content-transfer-encoding');
  if (encoding !== undefined && !/^(binary|8bit|7bit)$/i.test(encoding))
    throw malformed('a part is transfer-encoded');
  const disposition = DISPOSITION.exec(headers.get('content-disposition') ?? '');
  if (!disposition) throw malformed('a part needs one Content-Disposition: form-data; name="…"');
  const parameters = new Map<string, string>();
  for (const [, key, quoted, token] of disposition[1]!.matchAll(PARAMETER)) {
    const parameter = key!.toLowerCase();
    if (parameter !== 'name' && parameter !== 'filename')
      throw malformed(`a part has the parameter ${parameter.slice(0, 40)}`);
    if (parameters.has(parameter)) throw malformed(`a part repeats its ${parameter}`);
    parameters.set(parameter, quoted ?? token!);
  }
  const name = parameters.get('name');
  if (name === undefined || name === '') throw malformed('a part has no name');
  let type = headers.get('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== undefined && !MEDIA_TYPE.test(type)) throw malformed('a part has a malformed Content-Type');
  const filename = parameters.get('filename');
  if (filename === undefined && type !== undefined) {
    // A text part in another charset would be decoded differently upstream: UTF-8 text only.
    const charset = /;\s*charset="?([^";\s]+)/i.exec(headers.get('content-type')!)?.[1];
    if (type !== 'text/plain' || (charset && !/^utf-?8$/i.test(charset))) {
      throw malformed(`the text field '${name.slice(0, 40)}' is not UTF-8 text`);
    }
    type = undefined;
  }
  return { name, filename, type };
}

/**
 * A pull parser of multipart/form-data: yields each part once its headers are read and checked, text
 * parts whole (their sum capped), file parts as streams of their bytes (never buffered whole). Memory stays
 * bounded by the text cap and one chunk, whatever the size of the uploads.
 */
export class PartReader {
  private readonly delimiter: Uint8Array;
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  // The first delimiter has no CRLF before it: start as if the body began with one.
  private buffer: Uint8Array = CRLF;
  private size = 0;
  private textBytes = 0;
  private readonly seen = new Set<string>();
  private state: 'preamble' | 'delimiter' | 'part' | 'done' = 'preamble';
  /** Why a file part's stream failed (413, malformed, cut), for whoever waits on the whole body. */
  failure: unknown;

  constructor(
    body: ReadableStream<Uint8Array>,
    boundary: string,
    private readonly limits: PartLimits,
  ) {
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
    this.reader = body.getReader();
  }

  /** Stops reading the client (a refusal, or the upstream call ended). */
  cancel(reason?: unknown): void {
    this.state = 'done';
    this.reader.cancel(reason).catch(() => {});
  }

  /** The next part, or undefined after the closing delimiter. A file part's stream must be drained first. */
  async next(): Promise<Part | undefined> {
    if (this.state === 'part') throw new Error('The previous file part was not read to its end');
    if (this.state === 'preamble') {
      while ((await this.content(Number.POSITIVE_INFINITY, true)) !== 'end');
      this.state = 'delimiter';
    }
    if (this.state === 'done') return undefined;
    // After a delimiter: `--` ends the body; else optional transport padding and CRLF.
    await this.want(2);
    if (this.buffer[0] === 0x2d && this.buffer[1] === 0x2d) {
      this.cancel(); // the epilogue is never read, and never forwarded
      return undefined;
    }
    let lineEnd = indexOf(this.buffer, CRLF);
    for (; lineEnd === -1; lineEnd = indexOf(this.buffer, CRLF)) {
      if (this.buffer.length > 256) throw malformed('a boundary line is too long');
      await this.fill();
    }
    if (!/^[ \t]*$/.test(String.fromCharCode(...this.buffer.subarray(0, lineEnd))))
      throw malformed('a boundary is followed by text');
    this.buffer = this.buffer.subarray(lineEnd + 2);
    let headEnd = indexOf(this.buffer, CRLF_CRLF);
    for (; headEnd === -1; headEnd = indexOf(this.buffer, CRLF_CRLF)) {
      if (this.buffer.length > MAX_HEADER_BYTES) throw malformed('a part has too many header bytes');
      await this.fill();
    }
    const { name, filename, type } = parseHeaders(this.buffer.subarray(0, headEnd));
    this.buffer = this.buffer.subarray(headEnd + 4);
    this.limits.checkName(name, filename !== undefined);
    if (this.seen.has(name)) throw malformed(`the field '${name.slice(0, 40)}' is repeated`);
    this.seen.add(name);
    if (filename === undefined) return { kind: 'text', name, value: await this.text() };
    this.state = 'part';
    const stream = new ReadableStream<Uint8Array>(
      {
        pull: async (controller) => {
          try {
            for (;;) {
              const chunk = await this.content(Number.POSITIVE_INFINITY, false);
              if (chunk === 'end') {
                this.state = 'delimiter';
                return controller.close();
              }
              if (chunk.length > 0) return controller.enqueue(chunk);
            }
          } catch (error) {
            this.failure ??= error;
            controller.error(error);
          }
        },
        cancel: (reason) => this.cancel(reason),
      },
      { highWaterMark: 0 },
    );
    return { kind: 'file', name, filename, type: type ?? 'application/octet-stream', stream };
  }

  /** A text part's value, decoded as UTF-8, under the text parts' cap. */
  private async text(): Promise<string> {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const chunk = await this.content(this.limits.maxTextBytes - this.textBytes, false);
      if (chunk === 'end') break;
      chunks.push(chunk.slice());
    }
    const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0));
    let at = 0;
    for (const chunk of chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.state = 'delimiter';
    return new TextDecoder().decode(bytes);
  }

  /**
   * The next bytes of the current part's content (at most `budget` of them may be taken, else 413), or
   * `'end'` when its delimiter was reached (and consumed).
   */
  private async content(budget: number, preamble: boolean): Promise<Uint8Array | 'end'> {
    for (;;) {
      const at = indexOf(this.buffer, this.delimiter);
      const take = at !== -1 ? at : Math.max(0, this.buffer.length - (this.delimiter.length - 1));
      if (take > 0 || at !== -1) {
        const bytes = this.buffer.subarray(0, take);
        if (!preamble && budget !== Number.POSITIVE_INFINITY) {
          if (take > budget) throw textTooLarge(this.limits.maxTextBytes);
          this.textBytes += take;
        }
        this.buffer = this.buffer.subarray(take);
        if (at !== -1 && take === 0) {
          this.buffer = this.buffer.subarray(this.delimiter.length);
          return 'end';
        }
        if (!preamble) return bytes;
        continue; // the preamble is skipped
      }
      await this.fill();
    }
  }

  private async want(bytes: number): Promise<void> {
    while (this.buffer.length < bytes) await this.fill();
  }

  /** Reads one more chunk of the body (413 past the cap; 400 when it ends or breaks too early). */
  private async fill(): Promise<void> {
    let chunk: ReadableStreamReadResult<Uint8Array>;
    let idle = false;
    const timer = setTimeout(() => {
      idle = true;
      this.cancel(); // ends the pending read
    }, this.limits.idleMs);
    try {
      chunk = await this.reader.read();
    } catch {
      throw unreadable();
    } finally {
      clearTimeout(timer);
    }
    if (idle) throw bodyTimeout(this.limits.idleMs);
    if (chunk.done) throw malformed('it ends before its closing boundary');
    this.size += chunk.value.byteLength;
    if (this.size > this.limits.maxBytes) {
      this.cancel();
      throw tooLarge(this.limits.maxBytes);
    }
    this.buffer = concat(this.buffer, chunk.value);
  }
}
