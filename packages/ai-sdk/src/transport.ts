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

/** A `fetch` for one download that stops at a gateway's link instead of following it. */
export interface LinkCatchingFetch extends RecordingFetch {
  /** The temporary link the gateway answered with, if it did. */
  link(): string | undefined;
}

/**
 * Wraps `base` for `downloadContent` so that a gateway's temporary link is caught rather than downloaded.
 * Core asks `/content` first; a JSON answer there is the gateway form (`{ url }`), and core's next request
 * is the link itself, which is answered here with an empty body instead of being fetched. Core has checked
 * the link by then (and refuses one it must not follow), and the AI SDK downloads it later, without any of
 * the client's headers. Core has no call that returns the link alone; this keeps to its public options.
 */
export function linkCatchingFetch(base: typeof fetch): LinkCatchingFetch {
  const recorder = recordingFetch(base);
  let answeredWithLink = false;
  let link: string | undefined;
  return {
    fetch: async (input, init) => {
      if (answeredWithLink) {
        link = input instanceof Request ? input.url : String(input);
        return new Response(null, { status: 200 });
      }
      const response = await recorder.fetch(input, init);
      answeredWithLink = response.ok && (response.headers.get('content-type') ?? '').includes('json');
      return response;
    },
    headers: recorder.headers,
    link: () => link,
  };
}
