/**
 * The OpenAI error envelope `{"error": {message, type, param, code}}`, which every 4xx and 5xx answer
 * of the emulator carries (the SDKs read `error.message`, `param` and `code` from it).
 */
import type { ErrorResponse } from './generated/openapi.js';

/** The fields of the envelope's `error` object. */
export type ErrorBody = ErrorResponse['error'];

/** Thrown by handlers and middleware; the app turns it into an envelope answer with `status`. */
export class ApiError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | null;
  readonly code: string | null;
  readonly headers: Record<string, string>;

  constructor(
    status: number,
    message: string,
    options: {
      type?: string;
      param?: string | null;
      code?: string | null;
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.type = options.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error');
    this.param = options.param ?? null;
    this.code = options.code ?? null;
    this.headers = options.headers ?? {};
  }

  /** The answer: the envelope as JSON, with the error's extra headers. */
  toResponse(extraHeaders: Record<string, string> = {}): Response {
    const body: ErrorResponse = {
      error: { message: this.message, type: this.type, param: this.param, code: this.code },
    };
    return new Response(JSON.stringify(body), {
      status: this.status,
      headers: { 'content-type': 'application/json', ...this.headers, ...extraHeaders },
    });
  }
}

/** 400 `invalid_request_error`, the answer to every request the spec does not allow. */
export const badRequest = (
  message: string,
  param: string | null = null,
  code: string | null = 'invalid_value',
) => new ApiError(400, message, { param, code });

/** 404 for an unknown (or deleted) video or character. */
export const notFound = (what: 'Video' | 'Character', id: string, param: string) =>
  new ApiError(404, `${what} with id '${id}' not found.`, { param, code: 'not_found' });
