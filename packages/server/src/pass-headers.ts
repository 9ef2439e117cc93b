import { redact } from '@sora-kit/core';

/**
 * The upstream answer's headers a browser may see, values redacted. Everything else is dropped: cookies,
 * `Access-Control-*` (the handler decides CORS itself), `Location` (links are followed server-side),
 * `Content-Encoding`, server and proxy internals.
 */
const PASSED_HEADERS = [
  'content-type',
  'content-length',
  'content-range',
  'accept-ranges',
  'etag',
  'last-modified',
  'retry-after',
  'retry-after-ms',
  'openai-poll-after-ms',
  'x-request-id',
];

/**
 * Copies the allowed headers of an upstream answer, with the key removed from their values by core's
 * redactor (every form: as is, JSON-escaped, URL-encoded, after `Bearer `, any case).
 */
export function passHeaders(upstream: Headers, key: string, names = PASSED_HEADERS): Headers {
  const out = new Headers();
  for (const name of names) {
    const value = upstream.get(name);
    if (value !== null) out.set(name, redact(value, key));
  }
  // Job answers are per user: no shared cache may keep one (the API sends no-store too; this holds even
  // behind a gateway that forgot it).
  out.set('cache-control', 'private, no-store');
  return out;
}
