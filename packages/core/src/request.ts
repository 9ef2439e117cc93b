import { readText } from './body.js';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  errorFromResponse,
  SoraError,
} from './errors.js';
import { withIdleTimeout } from './idle-timeout.js';
import { urlOnPage } from './link-safety.js';
import type { Context, RequestOptions } from './options.js';
import { retryDelay, shouldRetry } from './retry.js';

/** One attempt: sends the request with these `signal` and `headers`. */
export type Attempt = (init: { signal: AbortSignal; headers: Record<string, string> }) => Promise<Response>;

/** How {@link send} treats a call. */
export interface SendMode {
  /** Add the client's headers and the `Authorization` (false for download links on other hosts). */
  auth?: boolean;
  /**
   * The body is streamed by the caller (else it is read as JSON): the timeout covers the headers, then
   * becomes an idle timeout of the body (no byte for that long fails it), and the abort stays wired to it.
   */
  stream?: boolean;
}

/** Waits `ms`, or rejects with `APIUserAbortError` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // An aborted signal never fires again: its listener needs no removal once it ran.
    const abort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    if (signal?.aborted) abort();
    else signal?.addEventListener('abort', abort);
  });
}

/**
 * The message of a failed connection: where the request went and why it failed. The place is the URL's
 * host and port, never its user info, path or query (which may hold secrets); the reason is the runtime's,
 * from the deepest `cause` (bounded: a chain may loop). Node's fetch fails with `fetch failed` caused by
 * `getaddrinfo ENOTFOUND api.gpt.ge`, `connect ECONNREFUSED 127.0.0.1:1` or `certificate has expired`
 * (or, when it tried several addresses, by an AggregateError with only a `code`); a browser says only
 * `Failed to fetch`.
 */
function failedAt(url: string, error: unknown) {
  let e = error as { cause?: unknown; message?: string; code?: string } | undefined;
  for (let i = 0; e?.cause && i < 9; i++) e = e.cause as typeof e;
  return `Could not connect to ${urlOnPage(url)?.host ?? url.split('?')[0]}: ${e?.message || e?.code || e}`;
}

/**
 * Runs `attempt` until it succeeds or may not be retried: adds the headers, a per-attempt timeout and the
 * caller's signal, reads the JSON answer, turns error answers and network failures into the error classes,
 * and retries what the policy of `retry.ts` allows, each time with the same headers (so the same
 * `Idempotency-Key`). A body that breaks while being read is a broken connection too, and retried like one.
 */
export async function send<T>(
  ctx: Context,
  options: RequestOptions,
  url: string,
  attempt: Attempt,
  mode: SendMode = { auth: true },
): Promise<{ data: T; response: Response }> {
  const { signal, maxRetries = ctx.maxRetries, timeout = ctx.timeout } = options;
  // A copy per call: a fetch wrapper that writes to `init.headers` must not change the next call's.
  const headers = { ...(mode.auth && ctx.authHeaders()), ...options.headers };
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw new APIUserAbortError();
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', abort);
    const timer = setTimeout(() => controller.abort(), timeout);
    let failure: SoraError;
    let wait: Headers | undefined;
    try {
      const response = await attempt({ signal: controller.signal, headers });
      // A streamed body still needs the caller's signal; a read one does not (and a long-lived signal
      // would otherwise collect one listener per poll).
      if (response.ok && mode.stream) {
        const watched = withIdleTimeout(response, timeout, controller);
        return { data: undefined as T, response: watched };
      }
      const text = await readText(response, ctx.maxResponseBytes, (error) => controller.abort(error));
      signal?.removeEventListener('abort', abort);
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        // Not JSON (a proxy's HTML page): an excerpt, scrubbed before it is cut, since a key straddling
        // the cut would otherwise leave its first half.
        const excerpt = ctx.redact(text.slice(0, 4096)).slice(0, response.ok ? 80 : 1000);
        if (response.ok)
          throw new APIError(response.status, undefined, `Not JSON: ${excerpt}`, response.headers);
        body = excerpt;
      }
      if (response.ok) return { data: body as T, response };
      failure = errorFromResponse(response.status, body, response.headers);
      if (!shouldRetry(response)) retry = maxRetries;
      wait = response.headers;
    } catch (error) {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) throw new APIUserAbortError();
      // Stopped by readText at maxResponseBytes: its error, as it is (not retried).
      if (error instanceof APIError && controller.signal.reason === error) throw error;
      // Aborted, and not by the caller: by the timeout.
      if (controller.signal.aborted)
        failure = new APIConnectionTimeoutError(failedAt(url, `no answer within ${timeout} ms`));
      else if (SoraError.isInstance(error)) throw error;
      // The place and the runtime's reason in the message, its error as `cause` (the key is scrubbed
      // from both at the client's boundary).
      else failure = new APIConnectionError(failedAt(url, error), { cause: error });
    } finally {
      clearTimeout(timer);
    }
    if (retry >= maxRetries) throw failure;
    await sleep(retryDelay(retry, wait), signal);
  }
}
