import { normalizeStatus } from '@sora-kit/core';
import type { Scope } from './context.js';
import type { JudgedJob } from './job/judge.js';
import { callUpstream, readUpstream, relay, type UpstreamJson } from './upstream.js';

/** The spec's id pattern (ids are path segments, compared undecoded: `%`, `/` and `..` never pass). */
const ID = /^[A-Za-z0-9_\-.:]{1,256}$/;
export const validId = (id: unknown): id is string =>
  typeof id === 'string' && ID.test(id) && !id.includes('..') && id !== '.';

const TERMINAL = new Set(['completed', 'failed', 'expired']);

/** Adds the request's CORS headers to an answer made elsewhere. */
export function withCors(scope: Scope, response: Response): Response {
  for (const [name, value] of scope.cors) response.headers.set(name, value);
  return response;
}

/** One upstream call whose JSON answer is read (capped) under the request's deadline. */
export async function callJson(
  scope: Scope,
  method: string,
  path: string,
  body?: { job: JudgedJob; headers: Headers },
): Promise<UpstreamJson> {
  const response = await callUpstream(scope.upstream, path, {
    method,
    headers: body?.headers ?? new Headers(),
    job: body?.job,
    signal: scope.time.signal,
  });
  return readUpstream(scope.upstream, response);
}

/** The API's answer, redacted, as this request's answer. */
export function relayAnswer(scope: Scope, answer: UpstreamJson): Response {
  return relay(scope.upstream, answer, scope.cors);
}

/** Keeps the store's view in step: finished jobs stop counting as in flight, gone ones are forgotten. */
export async function noteStatus(scope: Scope, id: string, answer: UpstreamJson): Promise<void> {
  const { store } = scope.ctx;
  if (answer.status === 404) await store.remove(scope.userId, id);
  const status = (answer.json as { status?: unknown } | null)?.status;
  if (answer.status === 200 && TERMINAL.has(normalizeStatus(status))) await store.finish(id);
}
