/**
 * Serving an asset from memory the way download clients expect: `ETag`, `Accept-Ranges`, single
 * byte ranges (206 + `Content-Range`), `If-Range` (a stale validator gets the whole file),
 * `If-None-Match` (304), 416 with `Content-Range: bytes *\/SIZE` for a range past the end, and HEAD
 * (Hono answers HEAD with the GET handler's headers). Slices are views of the cached bytes, not copies.
 */
import { ApiError } from './errors.js';
import type { Asset } from './media-cache.js';

/** A satisfiable range, inclusive, or why there is none. */
type RangeResult = { start: number; end: number } | 'unsatisfiable' | 'ignore';

/**
 * Parses one `bytes=` range (RFC 9110 §14.1.2). Syntax the server may ignore (several ranges, other
 * units, a last position before the first) answers `ignore`: the whole file is sent.
 */
export function parseRange(header: string, size: number): RangeResult {
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return 'ignore';
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return 'ignore';
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (last !== '' && Number(last) < start) return 'ignore';
  if (start >= size) return 'unsatisfiable';
  return { start, end: last === '' ? size - 1 : Math.min(Number(last), size - 1) };
}

/**
 * A body that hands the cached bytes (or a view of them) to the server as they are: `new Response(bytes)`
 * would copy them first in Node's fetch implementation, a stream of the view does not.
 */
function bodyOf(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** The answer to a GET (or HEAD) of `asset`, honouring the request's conditional and range headers. */
export function serveAsset(
  request: Request,
  asset: Asset,
  extraHeaders: Record<string, string> = {},
): Response {
  const size = asset.bytes.byteLength;
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    etag: asset.etag,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
    ...extraHeaders,
  };
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch?.split(',').some((tag) => tag.trim() === asset.etag || tag.trim() === '*')) {
    return new Response(null, { status: 304, headers });
  }
  const range = request.headers.get('range');
  const ifRange = request.headers.get('if-range');
  // If-Range with a validator that no longer matches (or a date: no Last-Modified is sent) means the
  // client's partial copy is stale: it gets the whole file instead of a range of a different one.
  if (range !== null && (ifRange === null || ifRange.trim() === asset.etag)) {
    const parsed = parseRange(range, size);
    if (parsed === 'unsatisfiable') {
      throw new ApiError(416, `Range '${range}' is outside the ${size} bytes of the file.`, {
        param: 'Range',
        code: 'range_not_satisfiable',
        headers: { 'content-range': `bytes */${size}` },
      });
    }
    if (parsed !== 'ignore') {
      const body = asset.bytes.subarray(parsed.start, parsed.end + 1);
      return new Response(bodyOf(body), {
        status: 206,
        headers: {
          ...headers,
          'content-range': `bytes ${parsed.start}-${parsed.end}/${size}`,
          'content-length': String(body.byteLength),
        },
      });
    }
  }
  return new Response(bodyOf(asset.bytes), {
    status: 200,
    headers: { ...headers, 'content-length': String(size) },
  });
}
