import { APICallError } from '@ai-sdk/provider';
import {
  experimental_generateVideo as generateVideo,
  experimental_getVideoStatus as getVideoStatus,
  RetryError,
  experimental_startVideo as startVideo,
} from 'ai';
import { beforeEach, describe, expect, test } from 'vitest';
import { useEmulator } from './test-support/emulator.js';

// Failures through the real `ai` package against the emulator's failure modes: a moderated job, 429
// storms, a create whose answer is lost, a failing status check, and the AI SDK's maxRetries and
// abortSignal options.
const t = useEmulator({ jobSeconds: 0.4 });

beforeEach(() => {
  t.emu.faults.clear();
  t.emu.clearRequests();
});

const jobsWithPrompt = (prompt: string) => t.emu.videos().filter((v) => v.prompt === prompt);

describe('a failed job', () => {
  test('generateVideo rejects with the job’s error', async () => {
    const error = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'a gory battle scene',
      poll: { intervalMs: 50 },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^Sora video video_\w+ failed: Your request was blocked by our moderation system\. \(moderation_blocked\)$/,
    );
  });

  test('getVideoStatus reports it as an error, with the code in the metadata', async () => {
    const model = t.sora.video('sora-2');
    const { operation } = await startVideo({ model, prompt: 'a [moderation-block] test' });
    let status = await getVideoStatus(model, { operation });
    while (status.status === 'pending') {
      await new Promise((resolve) => setTimeout(resolve, 50));
      status = await getVideoStatus(model, { operation });
    }
    expect(status.status).toBe('error');
    expect(status.providerMetadata?.sora).toMatchObject({
      status: 'failed',
      error: { code: 'moderation_blocked', message: 'Your request was blocked by our moderation system.' },
    });
  });
});

describe('429 storms and lost answers: the AI SDK retries, one job is made', () => {
  test('two 429s, then the create: the AI SDK’s retries, the same idempotency key, one job', async () => {
    t.emu.faults.add({ kind: 'rate-limit', method: 'POST', path: '/v1/videos', retryAfterMs: 50, times: 2 });
    const prompt = 'a storm of 429s';
    const { video } = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt,
      poll: { intervalMs: 50 },
    });
    expect(video.uint8Array.byteLength).toBeGreaterThan(1000);
    const creates = t.creates();
    expect(creates.map((r) => r.status)).toEqual([429, 429, 200]);
    const keys = new Set(creates.map((r) => r.idempotencyKey));
    expect(keys.size).toBe(1);
    expect([...keys][0]).toMatch(/^aisdk_vid_/); // the AI SDK's own key, passed through core
    expect(jobsWithPrompt(prompt)).toHaveLength(1);
  });

  test('a storm longer than maxRetries: RetryError, and no job at all', async () => {
    t.emu.faults.add({ kind: 'rate-limit', method: 'POST', path: '/v1/videos', retryAfterMs: 20, times: 5 });
    const prompt = 'a longer storm';
    const error = await generateVideo({ model: t.sora.video('sora-2'), prompt, maxRetries: 2 }).catch(
      (e: unknown) => e,
    );
    expect(RetryError.isInstance(error)).toBe(true);
    const retry = error as RetryError;
    expect(retry.reason).toBe('maxRetriesExceeded');
    expect(retry.errors).toHaveLength(3);
    for (const attempt of retry.errors) {
      expect(APICallError.isInstance(attempt)).toBe(true);
      expect(attempt).toMatchObject({ statusCode: 429, isRetryable: true, url: `${t.emu.url}/v1/videos` });
    }
    expect(t.creates().map((r) => r.status)).toEqual([429, 429, 429]);
    expect(jobsWithPrompt(prompt)).toEqual([]);
  });

  test('maxRetries: 0 sends one request and throws the APICallError itself', async () => {
    t.emu.faults.add({ kind: 'rate-limit', method: 'POST', path: '/v1/videos', retryAfterMs: 20, times: 1 });
    const error = await startVideo({
      model: t.sora.video('sora-2'),
      prompt: 'no retries',
      maxRetries: 0,
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    const call = error as APICallError;
    expect(call.statusCode).toBe(429);
    expect(call.responseHeaders?.['retry-after-ms']).toBe('20');
    expect(JSON.parse(call.responseBody!)).toMatchObject({ error: { code: 'rate_limit_exceeded' } });
    expect(call.requestBodyValues).toEqual({ prompt: 'no retries', model: 'sora-2' });
    expect(t.creates()).toHaveLength(1);
  });

  test('a create whose answer is cut off: retried with the same key, the server replays the one job', async () => {
    t.emu.faults.add({ kind: 'cut', method: 'POST', path: '/v1/videos', afterBytes: 0, times: 1 });
    const prompt = 'an answer lost on the way';
    const { operation } = await startVideo({ model: t.sora.video('sora-2'), prompt });
    const creates = t.creates();
    expect(creates).toHaveLength(2);
    expect(creates[0]!.fault).toBe('cut');
    expect(creates[0]!.idempotencyKey).toBe(creates[1]!.idempotencyKey);
    const jobs = jobsWithPrompt(prompt);
    expect(jobs).toHaveLength(1); // the first request made it; the retry got it back
    expect(jobs[0]!.id).toBe((operation as { id: string }).id);
  });

  test('a failing status check is retried by the AI SDK and the generation completes', async () => {
    t.emu.faults.add({ kind: 'server-error', status: 503, method: 'GET', path: '/v1/videos/*', times: 1 });
    const { video } = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'a flaky status',
      poll: { intervalMs: 50 },
    });
    expect(video.mediaType).toBe('video/mp4');
    expect(t.emu.requests().some((r) => r.status === 503)).toBe(true);
  });
});

describe('the AI SDK’s abortSignal', () => {
  test('an abort during a slow create rejects at once with the signal’s reason', async () => {
    t.emu.faults.add({ kind: 'latency', latencyMs: 15_000, method: 'POST', path: '/v1/videos', times: 1 });
    const controller = new AbortController();
    const reason = new Error('the user gave up');
    setTimeout(() => controller.abort(reason), 300);
    const started = performance.now();
    const error = await generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'never mind',
      abortSignal: controller.signal,
    }).catch((e: unknown) => e);
    expect(error).toBe(reason);
    expect(performance.now() - started).toBeLessThan(10_000); // not the 15 s the server would take
  });

  test('an abort during a status check rejects with its reason, from the request in flight', async () => {
    t.emu.faults.add({ kind: 'latency', latencyMs: 15_000, method: 'GET', path: '/v1/videos/*', times: 1 });
    const controller = new AbortController();
    const reason = new Error('the page was closed');
    const run = generateVideo({
      model: t.sora.video('sora-2'),
      prompt: 'stop watching',
      abortSignal: controller.signal,
      poll: { intervalMs: 20 },
    });
    // Abort once the slow status request is in flight (the AI SDK's own waits reject with another error).
    while (!t.emu.requests().some((r) => r.method === 'POST')) await new Promise((r) => setTimeout(r, 20));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const started = performance.now();
    controller.abort(reason);
    const error = await run.catch((e: unknown) => e);
    expect(error).toBe(reason); // not retried, not wrapped
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
