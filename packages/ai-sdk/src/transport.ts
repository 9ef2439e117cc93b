import { headersRecord } from './errors.js';

/** The per-call headers for core, and the AI SDK's idempotency key taken out of them. */
export interface CallHeaders {
  headers: Record<string, string>;
  /** The `idempotency-key` the AI SDK minted for this start (the same on each of its retries). */
  idempotencyKey: string | undefined;
}

/**
 * Splits the AI SDK's call headers: drops the undefined ones, and takes out `idempotency-key` (any case),
 * which goes to core as its `idempotencyKey` option. Passed as a header instead, it would travel beside
 * core's own `Idempotency-Key` and the server would see two keys joined by a comma.
 */
export function splitHeaders(headers: Record<string, string | undefined> | undefined): CallHeaders {
  const clean: Record<string, string> = {};
  let idempotencyKey: string | undefined;
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    if (name.toLowerCase() === 'idempotency-key') idempotencyKey = value;
    else clean[name] = value;
  }
  return { headers: clean, idempotencyKey };
}

/** A `fetch` for one call that remembers the headers of the API's last answer (for `response.headers`). */
export interface RecordingFetch {
  fetch: typeof fetch;
  /** The last answer's headers, as the AI SDK reports them. */
  headers(): Record<string, string> | undefined;
}

/** Wraps `base` so that a call through core can report the answer's headers, which core does not return. */
export function recordingFetch(base: typeof fetch): RecordingFetch {
  let last: Headers | undefined;
  return {
    fetch: async (input, init) => {
      const response = await base(input, init);
      last = response.headers;
      return response;
    },
    headers: () => headersRecord(last),
  };
}
