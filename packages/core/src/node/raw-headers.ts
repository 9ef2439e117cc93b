/// <reference types="node" />

// The header fields of a raw answer, readable like a `Headers` (`get`, `has`, iteration) without being
// one. In Node 20 the first `Headers` (or `Request`, `Response`) of a process loads and compiles undici,
// about 40 ms; a `sora-kit download` or a script that only saves a video never needs it otherwise, and
// those 40 ms were a sixth of all it took beyond curl's time for a 512 MiB file. A real `Headers` is made
// from these only where one is handed to a caller (see transport.ts).

/** Answer header fields by lower-case name, values of repeated fields joined with `, ` as `Headers` does. */
export class RawHeaders implements Iterable<[string, string]> {
  readonly #fields = new Map<string, string>();

  /** Adds a field as read from the wire (names are case-insensitive). */
  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const had = this.#fields.get(key);
    this.#fields.set(key, had === undefined ? value : `${had}, ${value}`);
  }

  get(name: string): string | null {
    return this.#fields.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.#fields.has(name.toLowerCase());
  }

  /** Fields in name order, as `Headers` iterates them. */
  *entries(): IterableIterator<[string, string]> {
    yield* [...this.#fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
}

/** A field name (RFC 9110 token), for the request fields here and the answer's in http1.ts. */
export const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * Request header fields from what `fetch` accepts as `init.headers` (a record, pairs or a `Headers`),
 * checked as `fetch` checks them: a name that is not a token, or a value with a line break, NUL or
 * leading/trailing whitespace trimmed away, would otherwise let one field smuggle another into the head.
 * Names come out lower-case; a field given twice is joined with `, `, as `fetch` joins it.
 *
 * @throws TypeError naming the field that is not allowed.
 */
export function requestFields(init: HeadersInit | undefined): Map<string, string> {
  const fields = new Map<string, string>();
  if (!init) return fields;
  const pairs: Iterable<readonly [string, string]> =
    Symbol.iterator in init
      ? (init as Iterable<readonly [string, string]>)
      : Object.entries(init as Record<string, string>);
  for (const [name, raw] of pairs) {
    const value = String(raw).replace(/^[\t\n\r ]+|[\t\n\r ]+$/g, '');
    if (!TOKEN.test(name)) throw new TypeError(`Invalid header name: ${JSON.stringify(name.slice(0, 40))}`);
    if (/[\r\n\0]/.test(value)) throw new TypeError(`Invalid value of the ${name} header`);
    const key = name.toLowerCase();
    const had = fields.get(key);
    fields.set(key, had === undefined ? value : `${had}, ${value}`);
  }
  return fields;
}
