import { type RefusalCode, refuse } from './refusals.js';

/** The fields of the API's error envelope, `{"error": {message, type, param, code}}`. */
export interface ErrorFields {
  message: string;
  type: string;
  param?: string | null;
  code?: string | null;
}

/**
 * An error answer in the API's own envelope, so a client (core, the official SDK) shows it like any API
 * error. `no-store`: an error about one user's request must not be cached for another.
 */
export function errorResponse(status: number, error: ErrorFields, headers: HeadersInit = {}): Response {
  const body = JSON.stringify({ error: { param: null, code: null, ...error } });
  const out = new Headers(headers);
  out.set('content-type', 'application/json');
  out.set('cache-control', 'no-store');
  return new Response(body, { status, headers: out });
}

/** A JSON answer the handler made itself. */
export function jsonResponse(status: number, body: unknown, headers: HeadersInit = {}): Response {
  const out = new Headers(headers);
  out.set('content-type', 'application/json');
  out.set('cache-control', 'no-store');
  return new Response(JSON.stringify(body), { status, headers: out });
}

/**
 * 404 for an id the user does not own, word for word the same as for an id that does not exist, with the
 * path parameter as `param` (`video_id`, `character_id`), as the API says it.
 */
export function notFound(what: 'video' | 'character', id: string): Response {
  const name = what === 'video' ? 'Video' : 'Character';
  return refuse('not_found', `${what}_id`, `${name} with id '${id.slice(0, 256)}' not found.`).toResponse();
}

/** Thrown inside the handler to answer with an error envelope (a refusal, not a failure). */
export class HandlerRefusal extends Error {
  constructor(
    readonly status: number,
    readonly fields: ErrorFields,
    readonly headers: HeadersInit = {},
  ) {
    super(fields.message);
  }

  toResponse(): Response {
    return errorResponse(this.status, this.fields, this.headers);
  }
}

/** A 400 naming the field, the way the API words it. */
export function invalidField(param: string, message: string): HandlerRefusal {
  return refuse('invalid_value', param, message);
}

/** A 403 from the cost policy: what was refused and what is allowed. */
export function policyRefusal(
  param: string | null,
  message: string,
  code: RefusalCode &
    ('policy_violation' | 'job_quota_exceeded' | 'too_many_jobs_in_flight') = 'policy_violation',
): HandlerRefusal {
  return refuse(code, param, message);
}

/** A 413: the body is larger than the cap. */
export function tooLarge(limit: number): HandlerRefusal {
  return refuse('request_too_large', null, `The request body is larger than ${limit} bytes.`);
}

/** A 408: the body did not arrive in time (a client trickling bytes holds the request no longer). */
export function bodyTimeout(ms: number): HandlerRefusal {
  // `Connection: close`: the rest of a trickled body is not waited for on this connection.
  return refuse('request_timeout', null, `The request body did not arrive within ${ms} ms.`, {
    connection: 'close',
  });
}
