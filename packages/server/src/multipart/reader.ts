import { HandlerRefusal, tooLarge } from '../envelope.js';

/** The text fields of a multipart body (values of parts without a filename), and the names of its files. */
export interface MultipartFields {
  text: Map<string, string>;
  files: string[];
}

const malformed = (why: string) =>
  new HandlerRefusal(400, {
    message: `The multipart body is malformed: ${why}.`,
    type: 'invalid_request_error',
    param: null,
    code: 'invalid_multipart',
  });

const encoder = new TextEncoder();
const CRLF_CRLF = encoder.encode('\r\n\r\n');
const MAX_HEADER_BYTES = 8 * 1024;
/** A prompt is at most 32 000 characters, up to 4 bytes each. */
const MAX_FIELD_BYTES = 160 * 1024;

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
 * A push parser of multipart/form-data that keeps only what the handler judges: the text fields (a prompt,
 * `model`, `size`, `seconds`, `video[id]`) and the names of file parts, whose bytes it skips. Memory stays
 * bounded by the largest text field, whatever the size of the uploads.
 */
export class MultipartScanner {
  private readonly delimiter: Uint8Array;
  private buffer: Uint8Array;
  private state: 'body' | 'after-delimiter' | 'headers' | 'done' = 'body';
  private part: { name: string; file: boolean; chunks: Uint8Array[]; size: number } | undefined;
  readonly fields: MultipartFields = { text: new Map(), files: [] };

  constructor(boundary: string) {
    this.delimiter = encoder.encode(`\r\n--${boundary}`);
    // The first delimiter has no CRLF before it: start as if the body began with one.
    this.buffer = encoder.encode('\r\n');
  }

  feed(chunk: Uint8Array): void {
    this.buffer = concat(this.buffer, chunk);
    for (let progressed = true; progressed; ) progressed = this.step();
  }

  /** Ends the body; returns the fields, or throws when the closing delimiter never came. */
  end(): MultipartFields {
    if (this.state !== 'done') throw malformed('it ends before its closing boundary');
    return this.fields;
  }

  private step(): boolean {
    switch (this.state) {
      case 'body': {
        const at = indexOf(this.buffer, this.delimiter);
        if (at === -1) {
          // Keep a possible partial delimiter at the end; hand the rest to the part.
          const keep = Math.min(this.buffer.length, this.delimiter.length - 1);
          this.content(this.buffer.subarray(0, this.buffer.length - keep));
          this.buffer = this.buffer.slice(this.buffer.length - keep);
          return false;
        }
        this.content(this.buffer.subarray(0, at));
        this.closePart();
        this.buffer = this.buffer.slice(at + this.delimiter.length);
        this.state = 'after-delimiter';
        return true;
      }
      case 'after-delimiter': {
        if (this.buffer.length < 2) return false;
        const next = String.fromCharCode(this.buffer[0]!, this.buffer[1]!);
        if (next === '--') {
          this.state = 'done';
          return false;
        }
        // Transport padding (spaces, tabs) may follow a delimiter before its CRLF.
        const lineEnd = indexOf(this.buffer, encoder.encode('\r\n'));
        if (lineEnd === -1) {
          if (this.buffer.length > 256) throw malformed('a boundary line is too long');
          return false;
        }
        if (!/^[ \t]*$/.test(String.fromCharCode(...this.buffer.subarray(0, lineEnd)))) {
          throw malformed('a boundary is followed by text');
        }
        this.buffer = this.buffer.slice(lineEnd + 2);
        this.state = 'headers';
        return true;
      }
      case 'headers': {
        const at = indexOf(this.buffer, CRLF_CRLF);
        if (at === -1) {
          if (this.buffer.length > MAX_HEADER_BYTES) throw malformed('a part has too many header bytes');
          return false;
        }
        const head = new TextDecoder().decode(this.buffer.subarray(0, at));
        this.buffer = this.buffer.slice(at + 4);
        // Strict where parsers differ, so the upstream cannot read other fields than the ones judged here.
        if ((head.match(/^content-disposition:/gim) ?? []).length !== 1) {
          throw malformed('a part needs exactly one Content-Disposition');
        }
        const encoding = /^content-transfer-encoding:\s*(\S*)/im.exec(head)?.[1];
        if (encoding && !/^(binary|8bit|7bit)$/i.test(encoding))
          throw malformed('a part is transfer-encoded');
        const disposition = /^content-disposition:(.*)$/im.exec(head)?.[1] ?? '';
        if ((disposition.match(/;\s*name\*?=/gi) ?? []).length !== 1)
          throw malformed('a part needs exactly one name');
        const name = /;\s*name="([^"]*)"/i.exec(disposition)?.[1];
        if (name === undefined) throw malformed('a part has no name');
        const file = /;\s*filename\*?=/i.test(disposition);
        this.part = { name, file, chunks: [], size: 0 };
        this.state = 'body';
        return true;
      }
      default:
        return false;
    }
  }

  private content(bytes: Uint8Array): void {
    const part = this.part;
    if (!part || part.file || bytes.length === 0) return; // preamble and file bytes are skipped
    part.size += bytes.length;
    if (part.size > MAX_FIELD_BYTES) throw malformed(`the field '${part.name.slice(0, 40)}' is too long`);
    part.chunks.push(bytes.slice());
  }

  private closePart(): void {
    const part = this.part;
    this.part = undefined;
    if (!part) return;
    if (part.file) {
      this.fields.files.push(part.name);
      return;
    }
    if (this.fields.text.has(part.name)) throw malformed(`the field '${part.name.slice(0, 40)}' is repeated`);
    const bytes = new Uint8Array(part.size);
    let at = 0;
    for (const chunk of part.chunks) {
      bytes.set(chunk, at);
      at += chunk.length;
    }
    this.fields.text.set(part.name, new TextDecoder().decode(bytes));
  }
}

/** A multipart body on its way upstream, held back at its last chunk until the handler has judged it. */
export interface InspectedUpload {
  /** The body to send upstream. Its last chunk (with the closing boundary) waits for `release(true)`. */
  stream: ReadableStream<Uint8Array>;
  /** The fields, once the whole body went through; rejects with a 400 or 413 envelope. */
  fields: Promise<MultipartFields>;
  /** Why the body failed (413, malformed, cut by the client), as soon as it did; else undefined. */
  failure(): HandlerRefusal | undefined;
  /** Lets the last chunk go (true), or fails the upstream body so no job is made (false). */
  release(ok: boolean): void;
}

/** The client's upload broke off (a closed tab, a dropped connection). */
const unreadable = () =>
  new HandlerRefusal(400, {
    message: 'The request body could not be read to its end.',
    type: 'invalid_request_error',
    param: null,
    code: 'incomplete_body',
  });

/**
 * Streams a multipart upload through while reading its fields, with a size cap (413 as soon as it is
 * passed). The upstream never receives a complete body before `release(true)`: the final chunk, which
 * holds the closing boundary, is held back until the handler has checked ownership and the policy against
 * the fields, so a refused upload cannot start a job whatever order its parts come in.
 */
export function inspectUpload(
  body: ReadableStream<Uint8Array>,
  boundary: string,
  limit: number,
): InspectedUpload {
  const scanner = new MultipartScanner(boundary);
  const reader = body.getReader();
  let settle!: { resolve(fields: MultipartFields): void; reject(error: unknown): void };
  const fields = new Promise<MultipartFields>((resolve, reject) => {
    settle = { resolve, reject };
  });
  fields.catch(() => {}); // observed by the handler; never an unhandled rejection
  let release!: (ok: boolean) => void;
  const verdict = new Promise<boolean>((resolve) => {
    release = resolve;
  });
  let failure: HandlerRefusal | undefined;
  const fail = (controller: ReadableStreamDefaultController<Uint8Array>, error: HandlerRefusal) => {
    failure ??= error;
    settle.reject(failure);
    controller.error(failure);
    reader.cancel(failure).catch(() => {});
  };
  let held: Uint8Array | undefined;
  let size = 0;
  const stream = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        for (;;) {
          let chunk: ReadableStreamReadResult<Uint8Array>;
          try {
            chunk = await reader.read();
          } catch {
            return fail(controller, unreadable());
          }
          if (chunk.done) {
            try {
              settle.resolve(scanner.end());
            } catch (error) {
              return fail(controller, error as HandlerRefusal);
            }
            if (!(await verdict)) return controller.error(new Error('The upload was refused'));
            if (held) controller.enqueue(held);
            return controller.close();
          }
          size += chunk.value.byteLength;
          if (size > limit) return fail(controller, tooLarge(limit));
          try {
            scanner.feed(chunk.value);
          } catch (error) {
            return fail(controller, error as HandlerRefusal);
          }
          const previous = held;
          held = chunk.value;
          if (previous) return controller.enqueue(previous);
        }
      },
      cancel(reason) {
        // The upstream call ended (it answered early, or failed): stop reading the client. Not the body's
        // fault, so `failure` stays unset and the handler reports the upstream's outcome.
        settle.reject(new Error('The upstream call ended before the body'));
        return reader.cancel(reason).catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
  return { stream, fields, failure: () => failure, release };
}
