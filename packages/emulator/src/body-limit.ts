/**
 * The size limit of request bodies, checked before a body is parsed: by `Content-Length` when the client
 * announced it, else by counting the bytes while reading. A JSON body may take `maxBodyBytes`; a form,
 * one upload (`maxUploadBytes`) plus that much text. The per-file and per-field limits of a form are
 * checked once it is parsed (request-body.ts).
 *
 * Not Hono's `bodyLimit`: it stops reading a chunked body at the limit and leaves the rest unread,
 * which breaks the keep-alive connection under the client's next request. Here the rest is read and
 * dropped (up to `DISCARD_LIMIT_BYTES`) before the 413 goes out, so the connection stays usable.
 */
import type { MiddlewareHandler } from 'hono';
import { ApiError } from './errors.js';
import type { AppEnv, EmulatorState } from './state.js';

/** How much of an oversized chunked body is read and dropped to keep the connection; past it, it is cut. */
const DISCARD_LIMIT_BYTES = 64 * 1024 * 1024;

/** The 413 envelope for a body larger than `limit` bytes. */
export const bodyTooLarge = (limit: number, what: string) =>
  new ApiError(413, `Request body too large: at most ${limit} bytes are accepted for ${what}.`, {
    code: 'request_too_large',
  });

/**
 * The whole body if it fits in `limit` bytes, else `undefined`, once the rest has been read and dropped
 * (or, past `DISCARD_LIMIT_BYTES` more, given up on).
 */
async function readUpTo(
  body: ReadableStream<Uint8Array>,
  limit: number,
): Promise<Uint8Array<ArrayBuffer> | undefined> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size <= limit) {
      chunks.push(value);
      continue;
    }
    chunks.length = 0;
    if (size > limit + DISCARD_LIMIT_BYTES) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
  }
  if (size > limit) return undefined;
  const bytes = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, at);
    at += chunk.byteLength;
  }
  return bytes;
}

/** The middleware that refuses bodies over the limit of their media type with a 413 envelope. */
export function requestBodyLimit(state: EmulatorState): MiddlewareHandler<AppEnv> {
  const { maxBodyBytes, maxUploadBytes } = state.options;
  return async (c, next) => {
    const request = c.req.raw;
    // Headers only, until a body has to be counted: on Node, touching `request.body` makes the adapter
    // build a full Request (with a stream) for every request, which costs more than the rest of a GET.
    const announced = request.headers.get('content-length');
    const chunked = request.headers.has('transfer-encoding');
    if (announced === null && !chunked) return next(); // no body
    const multipart = /^\s*multipart\/form-data\b/i.test(request.headers.get('content-type') ?? '');
    const limit = multipart ? maxBodyBytes + maxUploadBytes : maxBodyBytes;
    const what = multipart ? 'a multipart/form-data body (one file and its text fields)' : 'a JSON body';
    if (!chunked) {
      // The HTTP layer holds the body to its announced length, so a small announcement can be trusted
      // and the body left to the parser. A body announced too large is still read (and dropped), so
      // that the 413 reaches a client that is still sending, on a connection it can keep using.
      if (Number(announced) <= limit) return next();
      if (Number(announced) > limit + DISCARD_LIMIT_BYTES) {
        const error = bodyTooLarge(limit, what);
        throw new ApiError(error.status, error.message, {
          code: error.code,
          headers: { connection: 'close' },
        });
      }
    }
    if (!request.body) return next();
    const bytes = await readUpTo(request.body, limit);
    if (!bytes) throw bodyTooLarge(limit, what);
    // A new Request from parts: Node's adapter hands in a stand-in that `new Request(request, …)` rejects.
    c.req.raw = new Request(request.url, { method: request.method, headers: request.headers, body: bytes });
    return next();
  };
}
