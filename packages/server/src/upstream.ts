import { redact } from '@sora-kit/core';
import { readCappedText } from './body.js';
import { HandlerRefusal } from './envelope.js';
import { encodeJob } from './job/encode.js';
import type { JudgedJob } from './job/judge.js';
import { passHeaders } from './pass-headers.js';
import { type RefusalCode, refuse } from './refusals.js';

/** What every upstream call needs: where, with which key and fetch, and for how long. */
export interface Upstream {
  baseUrl: string;
  apiKey: string;
  fetch: typeof fetch;
  timeoutMs: number;
  logger: Pick<Console, 'warn' | 'error'>;
}

/** Largest JSON answer the handler reads from the API (a list of 100 jobs is a few dozen KB). */
const MAX_JSON_ANSWER = 4 * 1024 * 1024;

/**
 * A signal that aborts with the client's request, or when `ms` pass before `done()` is called. Made at
 * the first read of `signal`: most requests (a status read served from the shared entry, or asked through
 * the status hub under its own bound) never use it, and an AbortController, a listener and a timer per
 * request showed in the profile of every status read.
 */
export function deadline(client: AbortSignal, ms: number): { readonly signal: AbortSignal; done(): void } {
  let made: { signal: AbortSignal; timer: ReturnType<typeof setTimeout> | undefined } | undefined;
  let ended = false;
  return {
    get signal() {
      if (!made) {
        const controller = new AbortController();
        const abort = () => controller.abort(client.reason);
        if (client.aborted) abort();
        else client.addEventListener('abort', abort, { once: true });
        // (Read after `done()`, as a streamed answer's body may be: no time limit, as before.)
        const timer = ended
          ? undefined
          : setTimeout(() => controller.abort(new Error('The video API did not answer in time')), ms);
        made = { signal: controller.signal, timer };
      }
      return made.signal;
    },
    done() {
      ended = true;
      if (made) clearTimeout(made.timer);
    },
  };
}

/** Logs why an upstream call failed (the operator needs it; the browser gets only the envelope). */
export function logFailure(upstream: Upstream, what: string, error: unknown): void {
  const cause =
    error instanceof Error
      ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`
      : String(error);
  upstream.logger.warn(`@sora-kit/server: ${what}: ${redact(cause, upstream.apiKey)}`);
}

/** 502: the API could not be reached or answered nonsense. Never carries the cause's text. */
export function badGateway(
  message?: string,
  code: RefusalCode &
    (
      | 'upstream_unavailable'
      | 'upstream_broken_answer'
      | 'unsafe_link'
      | 'download_unavailable'
      | 'download_failed'
      | 'unexpected_media_type'
    ) = 'upstream_unavailable',
): HandlerRefusal {
  return refuse(code, null, message);
}

/**
 * Calls the API with the key. `path` is the spec path with its id already checked against the spec's id
 * pattern; `headers` are only the ones the operation needs; a body only as a {@link JudgedJob} (what the
 * handler judged, written again: never the client's bytes). Network failures become a 502 refusal.
 */
export async function callUpstream(
  upstream: Upstream,
  path: string,
  init: { method: string; headers?: Headers; job?: JudgedJob | undefined; signal: AbortSignal },
): Promise<Response> {
  // Each caller builds its own `Headers` for this one call: filled in place rather than copied.
  const headers = init.headers ?? new Headers();
  const encoded = init.job ? await encodeJob(init.job) : undefined;
  if (encoded) headers.set('content-type', encoded.contentType);
  headers.set('authorization', `Bearer ${upstream.apiKey}`);
  // Bytes as stored: no decoding and re-encoding on the way through, and Content-Length stays true.
  headers.set('accept-encoding', 'identity');
  try {
    return await upstream.fetch(`${upstream.baseUrl}${path}`, {
      method: init.method,
      headers,
      body: encoded?.body ?? null,
      redirect: 'manual',
      signal: init.signal,
      // No `cache` option: Workers' fetch rejects it, and the API answers job reads with no-store anyway.
      // @ts-expect-error Node's fetch needs `duplex` for a streamed body; other runtimes ignore it.
      duplex: 'half',
    });
  } catch (error) {
    if (error instanceof HandlerRefusal) throw error;
    // A refused or broken request body (413, malformed, cut by the client) is not the API's failure.
    if ((error as { cause?: unknown } | null)?.cause instanceof HandlerRefusal)
      throw (error as { cause: unknown }).cause;
    if (!init.signal.aborted) logFailure(upstream, 'the video API could not be reached', error);
    throw badGateway();
  }
}

/** An API answer read as text with the key removed, and parsed when it is JSON. */
export interface UpstreamJson {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: unknown;
}

/** Reads an API answer (capped, redacted). A body cut off mid-way becomes a 502. */
export async function readUpstream(upstream: Upstream, response: Response): Promise<UpstreamJson> {
  let raw: string;
  try {
    raw = await readCappedText(response, MAX_JSON_ANSWER);
  } catch {
    throw badGateway('The video API answer broke off or was too large.', 'upstream_broken_answer');
  }
  // Redacted after decoding: the key may hide in a JSON answer as `\u` escapes, which only parsing turns
  // back into the key. The answer is parsed, serialised again (where every string, keys too, is written
  // decoded: only `"`, `\` and control characters are escaped), and the key removed from that text; the
  // parse is kept as it is unless the key was there. (One serialisation: redacting the parsed value and
  // then serialising it, as before, wrote the whole answer out twice.) Text that is not JSON is redacted
  // as text.
  const { status, headers } = response;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { status, headers, text: redact(raw, upstream.apiKey), json: undefined };
  }
  const serialised = JSON.stringify(json);
  const text = redact(serialised, upstream.apiKey);
  return { status, headers, text, json: text === serialised ? json : JSON.parse(text) };
}

/**
 * The answer to send the browser for an API answer: the same status and (redacted) JSON body with only the
 * safe headers. The API refusing the server's own key (401/403) is the server's fault, not the user's: a
 * 502. A non-JSON answer becomes an envelope.
 */
export function relay(upstream: Upstream, answer: UpstreamJson, extra?: Headers): Response {
  const headers = passHeaders(answer.headers, upstream.apiKey);
  headers.delete('content-length');
  for (const [name, value] of extra ?? []) headers.set(name, value);
  if (answer.status === 401 || answer.status === 403) {
    return refuse('upstream_auth', null, undefined, extra).toResponse();
  }
  if (answer.json === undefined && answer.status >= 400) {
    // Always a 502: a 4xx the API sent without a JSON envelope is its failure, not the user's mistake.
    const message = `The video API answered ${answer.status}.`;
    return refuse('upstream_error', null, message, extra).toResponse();
  }
  if (answer.json === undefined || answer.status < 200 || (answer.status >= 300 && answer.status < 400)) {
    return refuse('upstream_broken_answer', null, undefined, extra).toResponse();
  }
  headers.set('content-type', 'application/json');
  return new Response(answer.text, { status: answer.status, headers });
}
