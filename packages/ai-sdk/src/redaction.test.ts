import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { inspect } from 'node:util';
import {
  experimental_generateVideo as generateVideo,
  experimental_getVideoStatus as getVideoStatus,
  experimental_startVideo as startVideo,
} from 'ai';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createSora } from './index.js';

// A gateway that echoes the key back, in its error message and in a header, as some do ("Incorrect API
// key provided: sk-…"). No error the AI SDK hands to the app may carry it, however it is printed.
const LEAKY_KEY = 'sk-live-Tq3Wn8Rb5Xc1Vz7Ko4Lp';
let server: Server;
let url: string;
let status = 401;

beforeAll(async () => {
  server = createServer((req, res) => {
    const key = String(req.headers.authorization ?? '').replace('Bearer ', '');
    res.writeHead(status, { 'content-type': 'application/json', 'x-echo-key': key, 'retry-after-ms': '10' });
    res.end(
      JSON.stringify({ error: { message: `Incorrect API key provided: ${key}`, type: 'auth', code: key } }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server?.close());

/** Every way an app might print or ship an error. */
function everyRendering(error: unknown): string {
  return [
    inspect(error, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
    String(error),
    (error as Error).stack,
    JSON.stringify(error),
    JSON.stringify((error as { errors?: unknown }).errors),
    JSON.stringify((error as { responseHeaders?: unknown }).responseHeaders),
    (error as { responseBody?: string }).responseBody,
  ].join('\n');
}

describe('the API key never shows in an error', () => {
  const model = () => createSora({ apiKey: LEAKY_KEY, baseURL: url }).video('sora-2');

  test('a 401 that echoes the key (APICallError, no retry)', async () => {
    status = 401;
    const error = await startVideo({ model: model(), prompt: 'x', maxRetries: 0 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 401 });
    const text = everyRendering(error);
    expect(text).toContain('Incorrect API key provided'); // the message is kept…
    expect(text).toContain('[redacted]');
    expect(text).not.toContain(LEAKY_KEY); // …the key is not
  });

  test('5xx answers that echo it, retried by the AI SDK until RetryError', async () => {
    status = 503;
    const error = await generateVideo({ model: model(), prompt: 'x', maxRetries: 2 }).catch(
      (e: unknown) => e,
    );
    expect((error as { errors: unknown[] }).errors).toHaveLength(3);
    expect(everyRendering(error)).not.toContain(LEAKY_KEY);
  });

  test('a status check that fails the same way', async () => {
    status = 500;
    const error = await getVideoStatus(model(), { operation: { id: 'video_abc' }, maxRetries: 0 }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ statusCode: 500, isRetryable: true });
    expect(everyRendering(error)).not.toContain(LEAKY_KEY);
  });

  test('the provider and its models do not hold the key where inspection finds it', () => {
    const provider = createSora({ apiKey: LEAKY_KEY, baseURL: url });
    const text = inspect([provider, provider.video('sora-2')], {
      showHidden: true,
      depth: Number.POSITIVE_INFINITY,
    });
    expect(text).not.toContain(LEAKY_KEY);
    expect(JSON.stringify(provider.video('sora-2'))).not.toContain(LEAKY_KEY);
  });
});
