/**
 * Bearer authentication of the API: with an `apiKey` option only that key is accepted; without one,
 * any bearer token is (as a local stand-in for any account), and a request without one is a 401
 * either way, so clients that forget the header fail here as they would for real.
 */
import type { MiddlewareHandler } from 'hono';
import { timingSafeEqual } from './crypto.js';
import { utf8Bytes } from './encoding.js';
import { ApiError } from './errors.js';
import type { AppEnv, EmulatorState } from './state.js';

export function bearerAuth(state: EmulatorState): MiddlewareHandler<AppEnv> {
  const expected = state.options.apiKey === undefined ? undefined : utf8Bytes(state.options.apiKey);
  return async (c, next) => {
    const token = /^Bearer\s+(\S.*)$/i.exec(c.req.header('authorization') ?? '')?.[1]?.trim();
    if (!token) {
      throw new ApiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        { code: 'missing_api_key' },
      );
    }
    // The key is never echoed back or logged, not even masked.
    if (expected && !timingSafeEqual(utf8Bytes(token), expected)) {
      throw new ApiError(401, 'Incorrect API key provided.', { code: 'invalid_api_key' });
    }
    await next();
  };
}
