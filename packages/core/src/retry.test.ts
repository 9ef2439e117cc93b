import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIUserAbortError,
  BadRequestError,
  createSoraClient,
  InternalServerError,
  RateLimitError,
} from './index.js';
import { retryDelay, shouldRetry } from './retry.js';
import { KEY, useEmulator } from './test-support/emulator.js';
import { type Gateway, startGateway } from './test-support/gateway-server.js';

describe('retry policy (as openai-node)', () => {
  const answer = (status: number, headers: Record<string, string> = {}) =>
    new Response(null, { status, headers });

  test('408, 409, 429 and 5xx are retried; other statuses are not; x-should-retry overrides', () => {
    for (const status of [408, 409, 429, 500, 502, 503, 504]) expect(shouldRetry(answer(status))).toBe(true);
    for (const status of [400, 401, 403, 404, 422]) expect(shouldRetry(answer(status))).toBe(false);
    expect(shouldRetry(answer(400, { 'x-should-retry': 'true' }))).toBe(true);
    expect(shouldRetry(answer(503, { 'x-should-retry': 'false' }))).toBe(false);
  });

  test('retry-after-ms, then retry-after in seconds or as an HTTP date, if within 0-60 s', () => {
    expect(retryDelay(0, new Headers({ 'retry-after-ms': '250' }))).toBe(250);
    expect(retryDelay(0, new Headers({ 'retry-after-ms': '250', 'retry-after': '9' }))).toBe(250);
    expect(retryDelay(0, new Headers({ 'retry-after': '2' }))).toBe(2000);
    expect(retryDelay(0, new Headers({ 'retry-after': '0.5' }))).toBe(500);
    const date = retryDelay(0, new Headers({ 'retry-after': new Date(Date.now() + 5000).toUTCString() }));
    expect(date).toBeGreaterThan(3000);
    expect(date).toBeLessThanOrEqual(5000);
    // Out of range: the default backoff instead.
    for (const value of ['0', '-1', '61', '3600', 'soon']) {
      const ms = retryDelay(0, new Headers({ 'retry-after': value }));
      expect(ms).toBeGreaterThanOrEqual(375);
      expect(ms).toBeLessThanOrEqual(500);
    }
  });

  test('0.5 s doubling to at most 8 s, less up to 25 % of jitter', () => {
    const bounds = [0.5, 1, 2, 4, 8, 8, 8];
    bounds.forEach((seconds, retry) => {
      for (let i = 0; i < 50; i++) {
        const ms = retryDelay(retry);
        expect(ms).toBeGreaterThanOrEqual(seconds * 750);
        expect(ms).toBeLessThanOrEqual(seconds * 1000);
      }
    });
    const samples = new Set(Array.from({ length: 20 }, () => retryDelay(1)));
    expect(samples.size).toBeGreaterThan(1); // jittered
  });
});

describe('retries against the emulator faults', () => {
  const t = useEmulator();
  beforeEach(() => {
    t.emu.clearRequests();
    t.emu.faults.clear();
  });
  const posts = () => t.emu.requests().filter((r) => r.method === 'POST' && r.path === '/v1/videos');
  const jobsWithPrompt = (prompt: string) => t.emu.videos().filter((v) => v.prompt === prompt);

  test('429 with Retry-After: waits as told, then succeeds; every attempt carries the same Idempotency-Key', async () => {
    t.emu.faults.add({
      kind: 'rate-limit',
      times: 2,
      method: 'POST',
      path: '/v1/videos',
      retryAfterSeconds: 1,
    });
    const video = await t.client.videos.create({ prompt: 'rate limited tiger' });
    const attempts = posts();
    expect(attempts.map((r) => r.status)).toEqual([429, 429, 200]);
    expect(new Set(attempts.map((r) => r.idempotencyKey)).size).toBe(1);
    expect(attempts[0]?.idempotencyKey).toMatch(/^sora-kit-[0-9a-f-]{36}$/);
    expect(attempts[1]!.at - attempts[0]!.at).toBeGreaterThanOrEqual(950);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(950);
    expect(jobsWithPrompt('rate limited tiger').map((v) => v.id)).toEqual([video.id]);
  });

  test('retry-after-ms is preferred to Retry-After', async () => {
    t.emu.faults.add({ kind: 'rate-limit', method: 'GET', retryAfterSeconds: 30, retryAfterMs: 50 });
    const job = await t.client.videos.create({ prompt: 'a' });
    const started = performance.now();
    await t.client.videos.retrieve(job.id);
    expect(performance.now() - started).toBeLessThan(25_000); // not the 30 s of Retry-After
    const gets = t.emu.requests().filter((r) => r.method === 'GET');
    expect(gets.map((r) => r.status)).toEqual([429, 200]);
    expect(gets[1]!.at - gets[0]!.at).toBeGreaterThanOrEqual(45);
  });

  test('a create whose answer is a 500 after the job was made is retried with the same key: one job', async () => {
    t.emu.faults.add({ kind: 'server-error', method: 'POST', path: '/v1/videos', times: 2 });
    const video = await t.client.videos.create({ prompt: 'server error tiger' });
    expect(posts().map((r) => r.status)).toEqual([500, 500, 200]);
    expect(new Set(posts().map((r) => r.idempotencyKey)).size).toBe(1);
    expect(jobsWithPrompt('server error tiger').map((v) => v.id)).toEqual([video.id]);
  });

  test('control: a cut create answer does leave a job behind, so a blind retry would start a second one', async () => {
    t.emu.faults.add({ kind: 'cut', method: 'POST', path: '/v1/videos' });
    const answer = await fetch(`${t.emu.url}/v1/videos`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${KEY}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ prompt: 'blind tiger' }),
    });
    await expect(answer.text()).rejects.toThrow();
    expect(jobsWithPrompt('blind tiger')).toHaveLength(1);
  });

  test('a create whose connection is cut after the job was made is retried with the same key: exactly one job', async () => {
    t.emu.faults.add({ kind: 'cut', method: 'POST', path: '/v1/videos' });
    const video = await t.client.videos.create({ prompt: 'cut tiger' });
    const attempts = posts();
    expect(attempts).toHaveLength(2);
    expect(attempts[0]?.fault).toBe('cut');
    expect(attempts[1]?.idempotencyKey).toBe(attempts[0]?.idempotencyKey);
    expect(jobsWithPrompt('cut tiger').map((v) => v.id)).toEqual([video.id]);
  });

  test('the same Idempotency-Key across calls (e.g. after a restart) gives the same job', async () => {
    const key = `sora-kit-restart-${Date.now()}`;
    const a = await t.client.videos.create({ prompt: 'restart tiger' }, { idempotencyKey: key });
    const b = await t.clientWith({}).videos.create({ prompt: 'restart tiger' }, { idempotencyKey: key });
    expect(b.id).toBe(a.id);
    expect(jobsWithPrompt('restart tiger')).toHaveLength(1);
  });

  test('x-should-retry: false stops retries of a 5xx', async () => {
    t.emu.faults.add({ kind: 'server-error', status: 503, shouldRetry: false, method: 'GET' });
    const error = await t.client.videos.retrieve('video_1').catch((e) => e);
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.status).toBe(503);
    expect(t.emu.requests()).toHaveLength(1);
  });

  test('after maxRetries the last error is thrown (2 by default, per client and per call)', async () => {
    t.emu.faults.add({ kind: 'rate-limit', times: 10, retryAfterMs: 10 });
    await expect(t.client.videos.retrieve('video_1')).rejects.toBeInstanceOf(RateLimitError);
    expect(t.emu.requests()).toHaveLength(3);
    t.emu.clearRequests();
    await expect(t.client.videos.retrieve('video_1', { maxRetries: 0 })).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(t.emu.requests()).toHaveLength(1);
    t.emu.clearRequests();
    await expect(t.clientWith({ maxRetries: 4 }).videos.retrieve('video_1')).rejects.toBeInstanceOf(
      RateLimitError,
    );
    expect(t.emu.requests()).toHaveLength(5);
  });

  test('a broken connection on a read is retried', async () => {
    const job = await t.client.videos.create({ prompt: 'a' });
    t.emu.clearRequests();
    t.emu.faults.add({ kind: 'cut', method: 'GET' });
    const video = await t.client.videos.retrieve(job.id);
    expect(video.id).toBe(job.id);
    expect(t.emu.requests().map((r) => r.fault ?? 'ok')).toEqual(['cut', 'ok']);
  });

  test('the per-request x-emulator-fault header works through per-call headers', async () => {
    const error = await t.client.videos
      .retrieve('video_1', { headers: { 'x-emulator-fault': 'rate-limit;retry-after=1' }, maxRetries: 0 })
      .catch((e) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.headers.get('retry-after')).toBe('1');
  });
});

describe('timeouts, aborts and refused connections', () => {
  const t = useEmulator();
  beforeEach(() => {
    t.emu.clearRequests();
    t.emu.faults.clear();
  });

  test('an attempt slower than timeout is an APIConnectionTimeoutError, and is retried', async () => {
    t.emu.faults.add({ kind: 'latency', latencyMs: 2000, times: 5 });
    const error = await t.client.videos.retrieve('video_1', { timeout: 100, maxRetries: 0 }).catch((e) => e);
    expect(error).toBeInstanceOf(APIConnectionTimeoutError);
    expect(error).toBeInstanceOf(APIConnectionError);
    t.emu.faults.clear();
    const job = await t.client.videos.create({ prompt: 'a' });
    t.emu.faults.add({ kind: 'latency', latencyMs: 2000, method: 'GET' });
    const video = await t.clientWith({ timeout: 200 }).videos.retrieve(job.id);
    expect(video.id).toBe(job.id);
  });

  test('an abort stops the request at once and is not retried', async () => {
    t.emu.faults.add({ kind: 'latency', latencyMs: 20_000, times: 5 });
    const started = performance.now();
    const error = await t.client.videos
      .retrieve('video_1', { signal: AbortSignal.timeout(100) })
      .catch((e) => e);
    expect(error).toBeInstanceOf(APIUserAbortError);
    // Not the 20 s answer, nor a retry of it (wide: a loaded machine is slow, never this slow).
    expect(performance.now() - started).toBeLessThan(10_000);
    const aborted = await t.client.videos
      .create({ prompt: 'a' }, { signal: AbortSignal.abort() })
      .catch((e) => e);
    expect(aborted).toBeInstanceOf(APIUserAbortError);
  });

  test('an abort during the wait between retries stops it', async () => {
    t.emu.faults.add({ kind: 'rate-limit', retryAfterSeconds: 30, times: 3 });
    const controller = new AbortController();
    const pending = t.client.videos.retrieve('video_1', { signal: controller.signal }).catch((e) => e);
    await new Promise((resolve) => setTimeout(resolve, 200));
    controller.abort();
    expect(await pending).toBeInstanceOf(APIUserAbortError);
    expect(t.emu.requests()).toHaveLength(1);
  });

  test('a refused connection is retried maxRetries times, then an APIConnectionError', async () => {
    let calls = 0;
    const client = createSoraClient({
      apiKey: 'k',
      baseUrl: 'http://127.0.0.1:9',
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await expect(client.videos.retrieve('video_1')).rejects.toBeInstanceOf(APIConnectionError);
    expect(calls).toBe(3);
  });
});

describe('x-should-retry: true on an error the policy would not retry', () => {
  let gw: Gateway;
  beforeAll(async () => {
    gw = await startGateway();
  });
  afterAll(() => gw.close());

  test('a 400 with x-should-retry: true is retried', async () => {
    const client = createSoraClient({ apiKey: 'k', baseUrl: gw.url });
    gw.canned.push({
      status: 400,
      headers: { 'x-should-retry': 'true', 'retry-after-ms': '10' },
      body: { error: { message: 'try again' } },
    });
    const video = await client.videos.create({ prompt: 'a' });
    expect(video.id).toMatch(/^video_gw/);
    expect(gw.requests).toHaveLength(2);
    gw.canned.push({ status: 400, body: { error: { message: 'no' } } });
    await expect(client.videos.create({ prompt: 'a' })).rejects.toBeInstanceOf(BadRequestError);
    expect(gw.requests).toHaveLength(3);
  });
});
