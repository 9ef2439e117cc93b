import { APICallError, InvalidArgumentError } from '@ai-sdk/provider';
import { APIConnectionError, APIError, APIUserAbortError, ValidationError } from '@sora-kit/core';

/** What a failed call was, for the AI SDK's `APICallError` (which has `url` and `requestBodyValues`). */
export interface CallDescription {
  /** The endpoint called, e.g. `https://api.gpt.ge/v1/videos`. */
  url: string;
  /** The request's parameters, with files described rather than included. */
  requestBodyValues: unknown;
  /** The call's abort signal: an abort rethrows its reason, as `fetch` does. */
  abortSignal?: AbortSignal | undefined;
}

/** A JSON-safe rendering of `Headers` for `APICallError.responseHeaders`. */
export function headersRecord(headers: Headers | undefined): Record<string, string> | undefined {
  if (!headers) return undefined;
  const record: Record<string, string> = {};
  headers.forEach((value, name) => {
    record[name] = value;
  });
  return record;
}

/** The reason a signal fired, as `fetch` rejects with it: a DOMException `AbortError` by default. */
export function abortReason(signal: AbortSignal | undefined): unknown {
  return signal?.reason ?? new DOMException('This operation was aborted', 'AbortError');
}

/**
 * Turns an error of @sora-kit/core into the AI SDK's own classes, so that the AI SDK's retry loop and its
 * users see what they expect from any provider:
 *
 * - an answer with an error status, or no answer at all, becomes `APICallError`, retryable as core's policy
 *   says (408, 409, 429, 5xx, broken connections; `x-should-retry` overrides), with the response headers
 *   the AI SDK reads `retry-after-ms` / `retry-after` from. Core calls are made with `maxRetries: 0`: the
 *   AI SDK's `maxRetries` is the only retry loop, so retries never multiply.
 * - a value refused before any request (`ValidationError`) becomes `InvalidArgumentError` naming it;
 * - an abort rethrows the signal's reason (a DOMException `AbortError`), which the AI SDK never retries.
 *
 * Core has already removed the API key from every message, body and header it keeps, and these errors are
 * built from those redacted parts only.
 */
export function toProviderError(error: unknown, call: CallDescription): unknown {
  if (APIUserAbortError.isInstance(error)) return abortReason(call.abortSignal);
  if (ValidationError.isInstance(error)) {
    return new InvalidArgumentError({ argument: error.field, message: error.message, cause: error });
  }
  if (APIConnectionError.isInstance(error)) {
    // No answer: a refused or broken connection, or a per-attempt timeout. Worth another try.
    return new APICallError({
      message: error.message,
      url: call.url,
      requestBodyValues: call.requestBodyValues,
      isRetryable: true,
      cause: error,
    });
  }
  if (APIError.isInstance(error)) {
    const shouldRetry = error.headers?.get('x-should-retry');
    return new APICallError({
      message: error.message,
      url: call.url,
      requestBodyValues: call.requestBodyValues,
      statusCode: error.status,
      responseHeaders: headersRecord(error.headers),
      responseBody: error.error === undefined ? undefined : JSON.stringify({ error: error.error }),
      data: error.error,
      cause: error,
      ...(shouldRetry === 'true' || shouldRetry === 'false' ? { isRetryable: shouldRetry === 'true' } : {}),
    });
  }
  return error;
}
