/** Small helpers for tests that talk to an emulator over real HTTP. */
import type { Video } from '../generated/openapi.js';

/** The bearer key tests send when the emulator accepts any key. */
export const TEST_KEY = 'sk-test-emulator';

export interface JsonAnswer<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: T;
}

/** A request with `Authorization: Bearer TEST_KEY` (unless `headers` says otherwise), answered as JSON. */
export async function call<T = Record<string, unknown>>(
  baseUrl: string,
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<JsonAnswer<T>> {
  const headers = new Headers(init.headers);
  if (!headers.has('authorization')) headers.set('authorization', `Bearer ${TEST_KEY}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const response = await fetch(`${baseUrl}${path}`, { ...init, headers, body });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text ? JSON.parse(text) : null) as T };
}

/** The `error` of an envelope answer. */
export interface ErrorEnvelope {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** Creates a job with a JSON body and answers it. */
export async function createVideo(baseUrl: string, params: Record<string, unknown> = {}): Promise<Video> {
  const answer = await call<Video>(baseUrl, '/v1/videos', {
    method: 'POST',
    json: { prompt: 'a tiger in a farmyard', ...params },
  });
  if (answer.status !== 200)
    throw new Error(`create failed: ${answer.status} ${JSON.stringify(answer.body)}`);
  return answer.body;
}

/** Polls a job until its status is `status` (or a time limit passes) and answers it. */
export async function waitForStatus(
  baseUrl: string,
  id: string,
  status: string,
  timeoutMs = 10_000,
): Promise<Video> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { body } = await call<Video>(baseUrl, `/v1/videos/${id}`);
    if (body.status === status) return body;
    if (Date.now() > deadline) throw new Error(`video ${id} still ${body.status} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
