import type { Scope } from '../context.js';
import { noteStatus } from '../scope-io.js';
import { callUpstream, readUpstream } from '../upstream.js';
import type { AskUpstream, StatusRead } from './hub.js';
import type { StatusEntry } from './status-store.js';

/**
 * The upstream status request of job `id`, on behalf of every reader who shares it: not tied to the asking
 * request (a reader who leaves must not abort the others' answer), bounded by the handler's `timeoutMs`.
 * The answer is noted in the job store as a reader's own would be (finished, or gone).
 */
export function askFor(scope: Scope, id: string): AskUpstream {
  return async () => {
    const signal = AbortSignal.timeout(scope.ctx.timeoutMs);
    const response = await callUpstream(scope.upstream, `/v1/videos/${id}`, { method: 'GET', signal });
    const answer = await readUpstream(scope.upstream, response);
    await noteStatus(scope, id, answer);
    return answer;
  };
}

/** The shared read of job `id` (the caller checked that the user owns it). */
export function readStatus(scope: Scope, id: string): Promise<StatusRead> {
  return scope.ctx.status.read(id, askFor(scope, id));
}

/**
 * A shared entry as this reader's answer: the job's JSON, and `openai-poll-after-ms` set to when the entry
 * goes stale, so a client that follows it (core's poll) comes back just as there is something new to see.
 */
export function entryResponse(scope: Scope, entry: StatusEntry): Response {
  const headers = new Headers(scope.cors);
  headers.set('content-type', 'application/json');
  headers.set('cache-control', 'private, no-store');
  if (!entry.final) headers.set('openai-poll-after-ms', String(Math.max(100, entry.due - Date.now() + 20)));
  return new Response(entry.body, { status: 200, headers });
}
