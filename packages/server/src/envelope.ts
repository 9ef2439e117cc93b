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

/** 404 for an id the user does not own, word for word the same as for an id that does not exist. */
export function notFound(what: 'video' | 'character', id: string): Response {
  const name = what === 'video' ? 'Video' : 'Character';
  return errorResponse(404, {
    message: `${name} with id '${id.slice(0, 256)}' not found.`,
    type: 'invalid_request_error',
    param: null,
    code: 'not_found',
  });
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
  return new HandlerRefusal(400, { message, type: 'invalid_request_error', param, code: 'invalid_value' });
}

/** A 403 from the cost policy: what was refused and what is allowed. */
export function policyRefusal(
  param: string | null,
  message: string,
  code = 'policy_violation',
): HandlerRefusal {
  return new HandlerRefusal(403, { message, type: 'permission_error', param, code });
}

/** A 413: the body is larger than the cap. */
export function tooLarge(limit: number): HandlerRefusal {
  return new HandlerRefusal(413, {
    message: `The request body is larger than ${limit} bytes.`,
    type: 'invalid_request_error',
    param: null,
    code: 'request_too_large',
  });
}

/** A 408: the body did not arrive in time (a client trickling bytes holds the request no longer). */
export function bodyTimeout(ms: number): HandlerRefusal {
  return new HandlerRefusal(
    408,
    {
      message: `The request body did not arrive within ${ms} ms.`,
      type: 'invalid_request_error',
      param: null,
      code: 'request_timeout',
    },
    { connection: 'close' },
  );
}
