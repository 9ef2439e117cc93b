import { MODERATION_MARKER } from '@sora-kit/emulator';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import {
  APIConnectionError,
  APIError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  createSoraClient,
  InternalServerError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  SoraError,
  UnprocessableEntityError,
  VideoFailedError,
} from './index.js';
import { useEmulator } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';

const t = useEmulator();
let gw: Gateway;
beforeAll(async () => {
  gw = await startGateway();
});
afterAll(() => gw.close());

describe('API errors by status, with the official SDK names and fields', () => {
  const cases = [
    [400, BadRequestError],
    [401, AuthenticationError],
    [403, PermissionDeniedError],
    [404, NotFoundError],
    [409, ConflictError],
    [422, UnprocessableEntityError],
    [429, RateLimitError],
    [500, InternalServerError],
    [503, InternalServerError],
    [418, APIError],
  ] as const;
  for (const [status, Class] of cases) {
    test(`${status} → ${Class.name}`, async () => {
      const client = createSoraClient({ apiKey: 'k', baseUrl: gw.url, maxRetries: 0 });
      gw.canned.push({
        status,
        headers: { 'x-request-id': `req_${status}` },
        body: {
          error: {
            message: `it went wrong (${status})`,
            type: 'invalid_request_error',
            param: 'size',
            code: 'invalid_value',
          },
        },
      });
      const error = await client.videos.retrieve('video_1').catch((e) => e);
      expect(error).toBeInstanceOf(Class);
      expect(Class.isInstance(error)).toBe(true);
      expect(APIError.isInstance(error)).toBe(true);
      expect(SoraError.isInstance(error)).toBe(true);
      expect(error.name).toBe(Class.name);
      expect(error).toMatchObject({
        status,
        code: 'invalid_value',
        param: 'size',
        type: 'invalid_request_error',
        requestId: `req_${status}`,
        error: { message: `it went wrong (${status})` },
      });
      expect(error.message).toBe(`${status} it went wrong (${status})`);
      expect(error.headers.get('x-request-id')).toBe(`req_${status}`);
    });
  }

  test('real answers of the emulator: 404 unknown id, 400 content not ready, 409 key reused with another body', async () => {
    const v = t.client.videos;
    const missing = await v.retrieve('video_doesnotexist').catch((e) => e);
    expect(missing).toBeInstanceOf(NotFoundError);
    expect(missing.code).toBe('not_found');
    expect(missing.requestId).toMatch(/./);
    const job = await v.create({ prompt: 'a tiger' });
    const early = await v.downloadContent(job.id).catch((e) => e);
    expect(early).toBeInstanceOf(BadRequestError);
    expect(early.param).toBe('video_id');
    await v.create({ prompt: 'one' }, { idempotencyKey: 'sora-kit-fixed-1' });
    const reused = await v
      .create({ prompt: 'two' }, { idempotencyKey: 'sora-kit-fixed-1', maxRetries: 0 })
      .catch((e) => e);
    expect(reused).toBeInstanceOf(ConflictError);
  });

  test('no answer at all is an APIConnectionError with the cause', async () => {
    const client = createSoraClient({ apiKey: 'k', baseUrl: 'http://127.0.0.1:9', maxRetries: 0 });
    const error = await client.videos.retrieve('video_1').catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error.status).toBeUndefined();
    expect(error.cause).toBeDefined();
  });

  test('a failed job surfaces its error.code and message', async () => {
    const error = await t.client.videos
      .createAndPoll({ prompt: `a tiger ${MODERATION_MARKER}` })
      .catch((e) => e);
    expect(error).toBeInstanceOf(VideoFailedError);
    expect(error.code).toBe('moderation_blocked');
    expect(error.message).toMatch(/failed: Your request was blocked/);
    expect(error.video.status).toBe('failed');
  });
});

describe('isInstance across duplicate installs', () => {
  test('an error from another copy of the module is recognised; unrelated errors are not', async () => {
    // A second copy of the module graph, as a second install in node_modules would give.
    vi.resetModules();
    const copy = await import('./errors.js');
    expect(copy.RateLimitError).not.toBe(RateLimitError);
    const foreign = new copy.RateLimitError(429, undefined, 'slow down', new Headers());
    expect(foreign instanceof RateLimitError).toBe(false);
    expect(RateLimitError.isInstance(foreign)).toBe(true);
    expect(APIError.isInstance(foreign)).toBe(true);
    expect(SoraError.isInstance(foreign)).toBe(true);
    expect(NotFoundError.isInstance(foreign)).toBe(false);
    expect(SoraError.isInstance(new Error('x'))).toBe(false);
    const fake = Object.assign(new Error('x'), { name: 'RateLimitError' });
    expect(RateLimitError.isInstance(fake)).toBe(false);
    expect(SoraError.isInstance(null)).toBe(false);
  });
});
