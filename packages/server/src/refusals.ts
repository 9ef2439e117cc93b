import { ValidationError } from '@sora-kit/core';
import { HandlerRefusal } from './envelope.js';

/**
 * Every mistake the handler answers itself, by `error.code`: its status, its `error.type`, and the message
 * it says when the call site has nothing more precise. One table, so a code never means two statuses, the
 * spec's error responses can be checked against it (test/spec-answers.test.ts), and the codes the API
 * itself uses (`invalid_json`, `missing_required_parameter`, `not_found`, …) read the same through the
 * handler as from the API.
 */
export const REFUSALS = {
  // 400: the request itself; `param` names the field.
  invalid_value: { status: 400, type: 'invalid_request_error', message: 'Invalid value.' },
  invalid_type: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Invalid request body: expected a JSON object.',
  },
  missing_required_parameter: {
    status: 400,
    type: 'invalid_request_error',
    message: 'Missing required parameter.',
  },
  invalid_json: {
    status: 400,
    type: 'invalid_request_error',
    // The API's own words (and the emulator's), so a client shows the same text through the handler.
    message:
      'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.',
  },
  invalid_multipart: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The multipart body is malformed.',
  },
  incomplete_body: {
    status: 400,
    type: 'invalid_request_error',
    message: 'The request body could not be read to its end.',
  },
  bad_request: { status: 400, type: 'invalid_request_error', message: 'Bad request.' },
  // 401/403: who asks, from where, and what the policy allows.
  unauthenticated: { status: 401, type: 'authentication_error', message: 'Sign in first.' },
  cross_site_request: {
    status: 403,
    type: 'permission_error',
    message:
      'Cross-site requests are refused: call this from a page of the same origin (or list the origin in `cors`).',
  },
  policy_violation: { status: 403, type: 'permission_error', message: 'Not allowed here.' },
  job_quota_exceeded: { status: 403, type: 'permission_error', message: 'Too many jobs in this window.' },
  too_many_jobs_in_flight: { status: 403, type: 'permission_error', message: 'Too many jobs in flight.' },
  // 404/405/408/409/413/415/421: the route, the id, the body, the host name.
  not_found: { status: 404, type: 'invalid_request_error', message: 'Not found.' },
  unknown_route: { status: 404, type: 'invalid_request_error', message: 'No such route.' },
  method_not_allowed: { status: 405, type: 'invalid_request_error', message: 'Method not allowed.' },
  request_timeout: {
    status: 408,
    type: 'invalid_request_error',
    message: 'The request body did not arrive in time.',
  },
  conflict: { status: 409, type: 'invalid_request_error', message: 'That job belongs to another user.' },
  request_too_large: {
    status: 413,
    type: 'invalid_request_error',
    message: 'The request body is larger than allowed.',
  },
  unknown_host: {
    status: 421,
    type: 'invalid_request_error',
    message:
      "This host name is not served here: add it to the handler's 'allowedHosts' (a DNS rebinding guard).",
  },
  range_not_satisfiable: {
    status: 416,
    type: 'invalid_request_error',
    message: 'The requested range is outside the file.',
  },
  unsupported_media_type: {
    status: 415,
    type: 'invalid_request_error',
    message: 'Unsupported Content-Type.',
  },
  // 500/502: the server or the API failed; the cause is logged, never sent.
  internal_error: { status: 500, type: 'server_error', message: 'The server failed to handle the request.' },
  not_configured: { status: 500, type: 'server_error', message: 'The server is not configured.' },
  upstream_unavailable: { status: 502, type: 'server_error', message: 'The video API could not be reached.' },
  upstream_auth: {
    status: 502,
    type: 'server_error',
    message: "The video API refused the server's credentials.",
  },
  upstream_error: { status: 502, type: 'server_error', message: 'The video API failed.' },
  upstream_broken_answer: {
    status: 502,
    type: 'server_error',
    message: 'The video API sent an answer that is not JSON.',
  },
  unsafe_link: {
    status: 502,
    type: 'server_error',
    message: 'The video API sent a download link the server may not follow.',
  },
  download_unavailable: {
    status: 502,
    type: 'server_error',
    message: 'The download host could not be reached.',
  },
  download_failed: { status: 502, type: 'server_error', message: 'The download host failed.' },
  unexpected_media_type: {
    status: 502,
    type: 'server_error',
    message: 'The video API sent the media as a type the server does not serve.',
  },
} as const satisfies Record<string, { status: number; type: string; message: string }>;

/** An `error.code` the handler answers with. */
export type RefusalCode = keyof typeof REFUSALS;

/**
 * The refusal for `code`: its status and type from {@link REFUSALS}, `param` naming the field (or null),
 * and `message` when the call site says more than the table's default (what was sent, what is allowed).
 */
export function refuse(
  code: RefusalCode,
  param: string | null = null,
  message: string = REFUSALS[code].message,
  headers?: HeadersInit,
): HandlerRefusal {
  const { status, type } = REFUSALS[code];
  return new HandlerRefusal(status, { message, type, param, code }, headers);
}

/**
 * Core's checks (the ones the client runs before sending) as the handler's refusal: a missing field is
 * `missing_required_parameter`, as the API says it, anything else `invalid_value` with core's message
 * (the field, the value, what is allowed). Other errors pass through.
 */
export function fromValidation(error: unknown): never {
  if (!(error instanceof ValidationError)) throw error;
  if (error.value === undefined)
    throw refuse('missing_required_parameter', error.field, `Missing required parameter: '${error.field}'.`);
  throw refuse('invalid_value', error.field, error.message);
}

/** Runs one of core's checks, refusing as {@link fromValidation} says when it throws. */
export function checked(check: () => void): void {
  try {
    check();
  } catch (error) {
    fromValidation(error);
  }
}
