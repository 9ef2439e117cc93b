import { checkId, normalizeStatus } from '@sora-kit/core';
import type { Scope } from './context.js';
import type { JudgedJob } from './job/judge.js';
import { callUpstream, readUpstream, relay, type UpstreamJson } from './upstream.js';

/**
 * Core's id check (the spec's pattern, never `.` or `..`) as a test: ids are path segments, compared
 * undecoded, so `%`, `/` and `..` never pass.
 */
export function validId(id: unknown): id is string {
  try {
    checkId(id);
    return true;
  } catch {
    return false;
  }
}

const TERMINAL = new Set(['completed', 'failed', 'expired']);

/** Adds the request's CORS headers to an answer made elsewhere. */
export function withCors(scope: Scope, response: Response): Response {
  for (const [name, value] of scope.cors) response.headers.set(name, value);
  return response;
}

/**
 * One upstream call whose JSON answer is read (capped) under the request's deadline, or under `signal`
 * (a paid call runs to its answer whatever the browser does: it has a deadline of its own).
 */
export async function callJson(
  scope: Scope,
  method: string,
  path: string,
  body?: { job: JudgedJob; headers: Headers },
  signal = scope.time.signal,
): Promise<UpstreamJson> {
  const response = await callUpstream(scope.upstream, path, {
    method,
    headers: body?.headers ?? new Headers(),
    job: body?.job,
    signal,
  });
  return readUpstream(scope.upstream, response);
}

/** The API's answer, redacted, as this request's answer. */
export function relayAnswer(scope: Scope, answer: UpstreamJson): Response {
  return relay(scope.upstream, answer, scope.cors);
}

/**
 * Keeps the store's view in step: finished jobs stop counting as in flight; gone ones (404) are forgotten
 * by their owner and no longer run. Neither leaves the ledger: they still count in the window.
 */
export async function noteStatus(scope: Scope, id: string, answer: UpstreamJson): Promise<void> {
  const { store } = scope.ctx;
  if (answer.status === 404) {
    await store.remove(scope.userId, id);
    await store.finish(id);
  }
  const status = (answer.json as { status?: unknown } | null)?.status;
  if (answer.status === 200 && TERMINAL.has(normalizeStatus(status))) await store.finish(id);
}
