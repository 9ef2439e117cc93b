/** What stands in for the API key wherever an upstream answer carried it. */
export const REDACTED = '[redacted]';

/**
 * The spellings of the key an upstream answer might carry: as is (also its JSON form, since keys have no
 * characters JSON escapes) and percent-encoded (a key echoed inside a URL).
 */
function spellings(key: string): string[] {
  const encoded = encodeURIComponent(key);
  return encoded === key ? [key] : [key, encoded];
}

/** Removes every spelling of the key from a text. Keys under 8 characters are not real keys and are left. */
export function redactText(text: string, key: string): string {
  if (key.length < 8) return text;
  let out = text;
  for (const spelling of spellings(key)) out = out.replaceAll(spelling, REDACTED);
  return out;
}

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

/** Copies the allowed headers of an upstream answer, with the key removed from their values. */
export function passHeaders(upstream: Headers, key: string, names = PASSED_HEADERS): Headers {
  const out = new Headers();
  for (const name of names) {
    const value = upstream.get(name);
    if (value !== null) out.set(name, redactText(value, key));
  }
  // Job answers are per user: no shared cache may keep one (the API sends no-store too; this holds even
  // behind a gateway that forgot it).
  out.set('cache-control', 'private, no-store');
  return out;
}
