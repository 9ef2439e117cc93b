import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  errorFromResponse,
  SoraError,
} from './errors.js';
import type { Context, RequestOptions } from './options.js';
import { redact } from './redact.js';
import { retryDelay, shouldRetry } from './retry.js';

/** One attempt: openapi-fetch's result shape (`data` on success, the parsed `error` body otherwise). */
export type Attempt<T> = (init: {
  signal: AbortSignal;
  headers: Record<string, string>;
}) => Promise<{ data?: T; error?: unknown; response: Response }>;

/** How {@link send} treats a call. */
export interface SendMode {
  /** Add the client's headers and the `Authorization` (false for download links on other hosts). */
  auth?: boolean;
  /** The body is streamed by the caller: stop the timeout at the headers and keep the abort wired to it. */
  stream?: boolean;
}

/** Waits `ms`, or rejects with `APIUserAbortError` as soon as `signal` fires. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError());
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', abort);
    };
    const abort = () => {
      done();
      reject(new APIUserAbortError());
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener('abort', abort);
  });
}

/**
 * Runs `attempt` until it succeeds or may not be retried: adds the headers, a per-attempt timeout and the
 * caller's signal, turns error answers and network failures into the error classes, and retries what the
 * policy of `retry.ts` allows. The attempt is rebuilt each time (openapi-fetch makes a new `Request`), so
 * a body is sent whole again, with the same `Idempotency-Key` that the caller put in `options.headers`.
 * A body that breaks while being read is a broken connection too, and retried like one.
 */
export async function send<T>(
  ctx: Context,
  options: RequestOptions,
  attempt: Attempt<T>,
  mode: SendMode = { auth: true },
): Promise<{ data: T; response: Response }> {
  const { signal } = options;
  const maxRetries = options.maxRetries ?? ctx.maxRetries;
  const key = mode.auth ? ctx.key() : null;
  const headers = {
    ...(mode.auth && ctx.headers),
    ...(key && { Authorization: `Bearer ${key}` }),
    ...options.headers,
  };
  for (let retry = 0; ; retry++) {
    if (signal?.aborted) throw new APIUserAbortError();
    const controller = new AbortController();
    const abort = () => controller.abort(signal?.reason);
    signal?.addEventListener('abort', abort);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, options.timeout ?? ctx.timeout);
    let failure: SoraError;
    let wait: Headers | undefined;
    try {
      const result = await attempt({ signal: controller.signal, headers });
      const { response } = result;
      if (response.ok) {
        // A streamed body still needs the caller's signal; a read one does not (and a long-lived signal
        // would otherwise collect one listener per poll).
        if (mode.stream) return result as { data: T; response: Response };
        signal?.removeEventListener('abort', abort);
        return result as { data: T; response: Response };
      }
      const secret = ctx.secret();
      failure = errorFromResponse(
        response.status,
        redact(result.error, secret),
        redact(response.headers, secret),
      );
      if (!shouldRetry(response)) retry = maxRetries;
      wait = response.headers;
      signal?.removeEventListener('abort', abort);
    } catch (error) {
      signal?.removeEventListener('abort', abort);
      if (signal?.aborted) throw new APIUserAbortError();
      if (timedOut) failure = new APIConnectionTimeoutError();
      else if (SoraError.isInstance(error)) throw error;
      else {
        // The runtime's error: keep it as `cause`, unless it quotes the key (a malformed header value).
        const secret = ctx.secret();
        const text = String((error as Error)?.stack ?? error);
        const cause = redact(text, secret) === text ? error : new Error(redact(text, secret));
        failure = new APIConnectionError(undefined, { cause });
      }
    } finally {
      clearTimeout(timer);
    }
    if (retry >= maxRetries) throw failure;
    await sleep(retryDelay(retry, wait), signal);
  }
}
