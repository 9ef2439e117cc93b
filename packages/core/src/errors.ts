import type { Video } from './generated/openapi.js';

// Shared by every copy of the package (Symbol.for is global), so `isInstance` recognises errors thrown by
// another install of @sora-kit/core, where `instanceof` would fail (two copies, two classes).
export const BRAND = Symbol.for('sora-kit.error');

/** The base class of every error sora-kit throws. */
export class SoraError extends Error {
  /**
   * `value instanceof ThisClass`, but also true for errors made by a duplicate install of the package.
   * @example if (RateLimitError.isInstance(err)) await wait(err.headers?.get('retry-after'));
   */
  static isInstance<T>(this: abstract new (...args: never[]) => T, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class it is called on, e.g. RateLimitError.
    const name = (this.prototype as Error).name;
    for (let p = value; p && typeof p === 'object'; p = Object.getPrototypeOf(p)) {
      if (Object.hasOwn(p, 'name') && (p as Error).name === name && BRAND in p) return true;
    }
    return false;
  }
}

/** A request was invalid before it was sent: names the field, the value and what is allowed. No request was made. */
export class ValidationError extends SoraError {
  /** The parameter at fault, e.g. `seconds`. */
  declare readonly field: string;
  /** The value given. */
  declare readonly value: unknown;
  /** What is allowed, as text (e.g. `'4', '8', '12'`). */
  declare readonly allowed: string;
  constructor(
    field: string,
    value: unknown,
    allowed: string,
    message = `Invalid value for '${field}': ${show(value)}. Allowed: ${allowed}.`,
  ) {
    super(message);
    Object.assign(this, { field, value, allowed });
  }
}

/** Shows a value in a message: strings quoted and cut short (a 32 000 character prompt is not echoed). */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 60 ? `${value.slice(0, 60)}…` : value}'`;
  return value && typeof value === 'object' ? 'object' : String(value);
}

/** The shape of the `error` object of every error answer. */
interface ErrorBody {
  message?: string;
  type?: string;
  param?: string | null;
  code?: string | null;
}

/**
 * An answer with an error status, or (subclasses) a request that got no answer. The fields follow the
 * official `openai` SDK so that code written for it keeps working.
 */
export class APIError extends SoraError {
  /** The HTTP status; undefined when no answer arrived (connection, timeout, abort). */
  declare readonly status: number | undefined;
  /** The answer's headers. */
  declare readonly headers: Headers | undefined;
  /** The `error` object of the answer's body (`{message, type, param, code}`), when there was one. */
  declare readonly error: ErrorBody | undefined;
  /** `error.code`, e.g. `invalid_value`, `rate_limit_exceeded`. */
  declare readonly code: string | null | undefined;
  /** `error.param`, the request field at fault. */
  declare readonly param: string | null | undefined;
  /** `error.type`, e.g. `invalid_request_error`. */
  declare readonly type: string | undefined;
  /** The server's `x-request-id`: quote it when reporting a problem. */
  declare readonly requestId: string | null | undefined;

  constructor(
    status: number | undefined,
    body: unknown,
    message: string | undefined,
    headers: Headers | undefined,
    options?: ErrorOptions,
  ) {
    const found = (body as { error?: ErrorBody } | undefined)?.error ?? (body as ErrorBody | undefined);
    const text = found?.message ?? ((typeof body === 'string' && body) || message);
    super(status ? `${status} ${text ?? 'status code (no body)'}` : (text ?? 'Request failed'), options);
    const error = typeof found === 'object' ? found : undefined;
    Object.assign(this, {
      status,
      headers,
      error,
      code: error?.code,
      param: error?.param,
      type: error?.type,
      requestId: headers?.get('x-request-id'),
    });
  }
}

/** 400: the server rejected the request (`param` names the field). */
export class BadRequestError extends APIError {}
/** 401: the API key is missing or wrong. */
export class AuthenticationError extends APIError {}
/** 403: the key may not do this. */
export class PermissionDeniedError extends APIError {}
/** 404: no such video or character (or it was deleted). */
export class NotFoundError extends APIError {}
/** 409: e.g. an `Idempotency-Key` reused with another body. */
export class ConflictError extends APIError {}
/** 422: the request was understood but cannot be processed. */
export class UnprocessableEntityError extends APIError {}
/** 429: too many requests (retried automatically, `maxRetries` times). */
export class RateLimitError extends APIError {}
/** 5xx: the server failed (retried automatically, `maxRetries` times). */
export class InternalServerError extends APIError {}

/**
 * No answer: the connection failed or broke. The message names the host and the runtime's reason
 * (`Could not connect to api.gpt.ge: getaddrinfo ENOTFOUND api.gpt.ge`); `cause` holds the runtime's error.
 */
export class APIConnectionError extends APIError {
  constructor(message = 'Connection error.', options?: ErrorOptions) {
    super(undefined, undefined, message, undefined, options);
  }
}
/** No answer within `timeout` milliseconds (`No answer from api.gpt.ge within 60000 ms.`). */
export class APIConnectionTimeoutError extends APIConnectionError {
  constructor(message = 'Request timed out.') {
    super(message);
  }
}
/** The caller's `AbortSignal` fired. */
export class APIUserAbortError extends APIError {
  constructor() {
    super(undefined, undefined, 'Request was aborted.', undefined);
  }
}

/** The error class of an answer's status, as the official SDK names them. */
export function errorFromResponse(status: number, body: unknown, headers: Headers): APIError {
  const byStatus: Record<number, typeof APIError> = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
  };
  return new (byStatus[status] ?? (status >= 500 ? InternalServerError : APIError))(
    status,
    body,
    undefined,
    headers,
  );
}

/**
 * A job ended without a video: `failed` (with the server's `error.code` and `error.message`) or `expired`
 * (and other terminal gateway states). `video` is the job as last seen.
 */
export class VideoFailedError extends SoraError {
  /** The job as last seen. */
  declare readonly video: Video;
  /** The job's `error.code` (e.g. `moderation_blocked`), or its status when it carries no error (`expired`). */
  declare readonly code: string;
  constructor(video: Video) {
    const code = video.error?.code ?? String(video.status);
    super(`Video ${video.id} ${video.status}: ${video.error?.message ?? code}`);
    Object.assign(this, { video, code });
  }
}

/**
 * `poll` gave up at its overall `timeout` (a deadline: a status request in flight then is aborted); the job
 * may still finish: poll it again by `video.id`.
 */
export class PollTimeoutError extends SoraError {
  /**
   * The job as last seen. When no status answer arrived before the deadline, only `id` is known (and
   * `status` is `'unknown'`).
   */
  declare readonly video: Video;
  constructor(video: Video, timeoutMs: number, seen = true) {
    const state = seen ? `still ${video.status}` : 'gave no status answer';
    super(`Video ${video.id} ${state} after ${timeoutMs} ms; poll it again to resume`);
    Object.assign(this, { video });
  }
}

/**
 * A download link (a gateway's JSON `{url}`) that points where the client must not go: a non-HTTP(S)
 * scheme, or a loopback, private, link-local or otherwise internal address while the API itself is public.
 * A hostile or compromised gateway could otherwise make a server-side client read its own cloud metadata
 * service (`169.254.169.254`), an admin port on `127.0.0.1`, or a neighbour on the private network (SSRF).
 */
export class UnsafeLinkError extends SoraError {
  /** The link, as the server sent it. */
  declare readonly url: string;
  constructor(url: string, reason: string) {
    super(`Refused the download link ${JSON.stringify(url.slice(0, 200))}: ${reason}`);
    Object.assign(this, { url });
  }
}

/** A webhook delivery was not signed by the holder of the secret, or is too old or malformed. */
export class WebhookVerificationError extends SoraError {}

// Names on the prototypes, from string keys that minifiers keep: `err.name` and `isInstance` stay right in
// a minified bundle, where the class identifiers are renamed.
for (const [name, Class] of Object.entries({
  SoraError,
  ValidationError,
  APIError,
  BadRequestError,
  AuthenticationError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  UnprocessableEntityError,
  RateLimitError,
  InternalServerError,
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  VideoFailedError,
  PollTimeoutError,
  UnsafeLinkError,
  WebhookVerificationError,
})) {
  Class.prototype.name = name;
}
(SoraError.prototype as unknown as Record<symbol, boolean>)[BRAND] = true;
