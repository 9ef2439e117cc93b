import { BRAND } from './errors.js';

/** What stands in for the API key wherever it would otherwise appear. */
export const REDACTED = '[redacted]';

/**
 * Removes one secret from a value: a string, a `Headers`, a JSON-like value (an error body, a job) or an
 * error (its message, stack, fields and whole `cause` chain). Values that do not mention the secret come
 * back as they are (the same object).
 */
export type Redactor = <T>(value: T) => T;

/**
 * Makes the {@link Redactor} of a secret. Every error the client throws passes through one, at the
 * boundary of the public methods, so no message, field, stack or `cause`, however a server phrased it,
 * carries the key.
 */
export function createRedactor(secret: string | null | undefined): Redactor {
  if (!secret) return (value) => value;
  // The pattern of every form the secret takes in text, character by character: as it is, JSON-escaped
  // (`\u002d` or `\"`, in a serialised body, however many characters a sender escaped), URL-encoded
  // (`%2D`, wholly or in part, echoed from a query string or a form); and after `Bearer ` (an echoed
  // header). It ignores case (`%2F` and `%2f` are the same escape, `bearer` the same scheme; a key that
  // differs only in case is the key for any reader). Secrets shorter than 8 characters are not real keys
  // (a test's `'k'`): alone they are left be, or every `k` of a stack trace would go, but their
  // `Bearer <key>` form is unambiguous and still removed. Outside unicode mode (`u`) a backslash before a
  // character other than a letter, digit or `_` always means the character itself.
  const literal = (text: string) => text.replace(/\W/g, '\\$&');
  // (`%hh` of the code: `-` is never encoded by encodeURIComponent; for the ASCII of real keys it is the byte.)
  const hex = (c: string, n: number) => c.charCodeAt(0).toString(16).padStart(n, '0');
  let any = [...secret]
    .map((c) => {
      const forms = [
        c,
        JSON.stringify(c).slice(1, -1),
        `\\u${hex(c, 4)}`,
        encodeURIComponent(c),
        `%${hex(c, 2)}`,
      ];
      return `(?:${forms.map(literal).join('|')})`;
    })
    .join('');
  // Base64 (standard and URL-safe) of the secret, or of any text holding it (`Bearer <key>`, `user:<key>`):
  // in each of the 3 alignments, the characters that depend on the secret's bytes alone.
  // (btoa takes Latin-1 only: a key outside it is no API key, and gets no base64 forms.)
  for (let shift = 0; secret.length >= 8 && /^[ -~]+$/.test(secret) && shift < 3; shift++) {
    const b64 = btoa('\0'.repeat(shift) + secret);
    const middle = b64.slice(Math.ceil(shift * 1.34), -3);
    any += `|${literal(middle)}|${literal(middle.replace(/\+/g, '-').replace(/\//g, '_'))}`;
  }
  // `(bearer\s+)` is captured, so that the replacement keeps the scheme; it is optional for real keys.
  const pattern = new RegExp(`(bearer\\s+)${secret.length >= 8 ? '?' : ''}(?:${any})`, 'gi');
  const clean = (text: string) =>
    text.replace(pattern, (_, bearer?: string) => (bearer ? `Bearer ${REDACTED}` : REDACTED));

  // Each case answers the value itself when the secret is not in it, so callers can tell by `===`.
  const scrub = (value: unknown, depth: number): unknown => {
    if (typeof value === 'string') return clean(value);
    if (!value || typeof value !== 'object') return value;
    // 16 levels into objects and `cause` chains (a hostile body can nest deeply): deeper than any error or
    // body a client makes, so what lies deeper is dropped.
    if (depth > 16) return undefined;
    if (value instanceof Error) return scrubError(value, depth);
    if (Array.isArray(value)) {
      const items = value.map((item) => scrub(item, depth + 1));
      return items.some((item, i) => item !== value[i]) ? items : value;
    }
    try {
      // Bodies and jobs came from JSON, headers are pairs of strings: a round trip rebuilds them with the
      // secret replaced.
      const headers = value instanceof Headers;
      const text = JSON.stringify(headers ? [...value] : value);
      const cleaned = clean(text);
      if (cleaned === text) return value;
      return headers ? new Headers(JSON.parse(cleaned)) : JSON.parse(cleaned);
    } catch {
      return undefined; // not JSON after all (cycles, too deep): dropped rather than shown
    }
  };

  const scrubError = (error: Error, depth: number): Error => {
    // Our own errors are fixed in place, so `instanceof` and their fields stay; a runtime's error (whose
    // properties may be read-only) is replaced by a plain copy of its name and own properties.
    const ours = BRAND in error;
    // No prototype, so that a field named `__proto__` is one like any other.
    const fields = { __proto__: null } as unknown as PropertyDescriptorMap;
    if (!ours) fields.name = { value: error.name };
    let changed = false;
    for (const name of Object.getOwnPropertyNames(error)) {
      try {
        const v = (error as unknown as Record<string, unknown>)[name];
        const value = scrub(v, depth + 1);
        changed ||= value !== v;
        const enumerable = Object.keys(error).includes(name);
        fields[name] = { value, writable: true, configurable: true, enumerable };
      } catch {
        // a getter that throws: the field is left out
      }
    }
    return changed ? Object.defineProperties(ours ? error : new Error(), fields) : error;
  };

  return <T>(value: T): T => scrub(value, 0) as T;
}

let last: { secret: string | null | undefined; redactor: Redactor } | undefined;

/**
 * Removes `secret`, in every form it takes in text (as it is, JSON-escaped, URL-encoded, after `Bearer `),
 * from a string, a `Headers`, a JSON-like value or an error and its `cause` chain. For servers and tools
 * built on this package that must show errors without the key (the client does this to all its errors).
 *
 * @example console.error(redact(error, apiKey));
 */
export function redact<T>(value: T, secret: string | null | undefined): T {
  const cached = last && last.secret === secret ? last : { secret, redactor: createRedactor(secret) };
  last = cached;
  return cached.redactor(value);
}
