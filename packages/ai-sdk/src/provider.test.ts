import { APICallError, LoadAPIKeyError, NoSuchModelError } from '@ai-sdk/provider';
import { experimental_getVideoStatus as getVideoStatus, experimental_startVideo as startVideo } from 'ai';
import { describe, expect, test } from 'vitest';
import { createSora, sora } from './index.js';
import { KEY, useEmulator } from './test-support/emulator.js';

const t = useEmulator({ jobSeconds: 0.3 });

/** A `fetch` that records what each request carried, then sends it. */
function recordingFetch() {
  const seen: { url: string; headers: Headers }[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    seen.push({ url: String(input), headers: new Headers(init?.headers) });
    return fetch(input, init);
  };
  return { seen, fetch: wrapped };
}

describe('createSora', () => {
  test('video() returns a VideoModelV4 with one video per call', () => {
    const model = t.sora.video('sora-2-pro');
    expect(model).toMatchObject({
      specificationVersion: 'v4',
      provider: 'sora.video',
      modelId: 'sora-2-pro',
      maxVideosPerCall: 1,
    });
    expect(typeof model.doStart).toBe('function');
    expect(typeof model.doStatus).toBe('function');
    expect(typeof model.handleWebhookOption).toBe('function');
    expect(t.sora('sora-2').modelId).toBe('sora-2');
    expect(t.sora.videoModel('sora-2').modelId).toBe('sora-2');
  });

  test('it makes videos only', () => {
    expect(() => t.sora.languageModel('gpt')).toThrow(NoSuchModelError);
    expect(() => t.sora.imageModel('x')).toThrow(NoSuchModelError);
    expect(() => t.sora.embeddingModel('x')).toThrow(NoSuchModelError);
  });

  test('the default `sora` reads SORA_API_KEY and SORA_BASE_URL at its first request', async () => {
    process.env.SORA_API_KEY = KEY;
    process.env.SORA_BASE_URL = `${t.emu.url}/v1`; // a trailing /v1 is accepted
    try {
      const { operation } = await startVideo({ model: sora.video('sora-2'), prompt: 'from the environment' });
      expect(t.emu.videos().some((v) => v.id === (operation as { id: string }).id)).toBe(true);
    } finally {
      delete process.env.SORA_API_KEY;
      delete process.env.SORA_BASE_URL;
    }
  });

  test('a missing key is a LoadAPIKeyError at the first call, before any request', async () => {
    const { seen, fetch } = recordingFetch();
    const previous = process.env.SORA_API_KEY;
    delete process.env.SORA_API_KEY;
    const keyless = createSora({ baseURL: t.emu.url, fetch });
    const error = await startVideo({ model: keyless.video('sora-2'), prompt: 'x' }).catch((e: unknown) => e);
    if (previous !== undefined) process.env.SORA_API_KEY = previous;
    expect(LoadAPIKeyError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('SORA_API_KEY');
    expect(seen).toEqual([]);
  });

  test('apiKey: null sends no key (for a proxy that adds it); the server says 401', async () => {
    const { seen, fetch } = recordingFetch();
    const error = await startVideo({
      model: createSora({ apiKey: null, baseURL: t.emu.url, fetch }).video('sora-2'),
      prompt: 'x',
      maxRetries: 0,
    }).catch((e: unknown) => e);
    expect(APICallError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 401, isRetryable: false });
    expect(seen[0]?.headers.has('authorization')).toBe(false);
  });

  test('headers, the AI SDK’s user agent and one idempotency key reach the server; fetch carries every request', async () => {
    const { seen, fetch } = recordingFetch();
    const provider = createSora({ apiKey: KEY, baseURL: t.emu.url, headers: { 'x-team': 'video' }, fetch });
    const model = provider.video('sora-2');
    const { operation } = await startVideo({ model, prompt: 'headers', headers: { 'x-trace': 'abc' } });
    const create = seen[0]!;
    expect(create.url).toBe(`${t.emu.url}/v1/videos`);
    expect(create.headers.get('authorization')).toBe(`Bearer ${KEY}`);
    expect(create.headers.get('x-team')).toBe('video');
    expect(create.headers.get('x-trace')).toBe('abc');
    expect(create.headers.get('user-agent')).toMatch(/\bai\/7\./);
    expect(create.headers.get('idempotency-key')).toMatch(/^aisdk_vid_[\w-]+$/); // one key, not two joined
    let status = await getVideoStatus(model, { operation });
    while (status.status === 'pending') status = await getVideoStatus(model, { operation });
    const paths = seen.map((s) => new URL(s.url).pathname);
    expect(paths.at(-1)).toBe(`/v1/videos/${(operation as { id: string }).id}/content`);
    expect(seen.slice(1).every((s) => !s.headers.has('idempotency-key'))).toBe(true);
  });

  test('a caller’s own idempotency key wins, so a start is safe to repeat across processes', async () => {
    const model = t.sora.video('sora-2');
    const headers = { 'Idempotency-Key': 'order-1234-video' };
    const first = await startVideo({ model, prompt: 'once only', headers });
    const again = await startVideo({ model, prompt: 'once only', headers });
    expect((again.operation as { id: string }).id).toBe((first.operation as { id: string }).id);
    expect(t.emu.videos().filter((v) => v.prompt === 'once only')).toHaveLength(1);
  });

  test('a malformed operation is refused naming it, before any request', async () => {
    const error = await getVideoStatus(t.sora.video('sora-2'), { operation: 'video_1' }).catch(
      (e: unknown) => e,
    );
    expect((error as { argument: string }).argument).toBe('operation');
    const traversal = await getVideoStatus(t.sora.video('sora-2'), {
      operation: { id: '../characters' },
    }).catch((e: unknown) => e);
    expect((traversal as { argument: string }).argument).toBe('video_id');
  });
});
