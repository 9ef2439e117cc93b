import type { Scope } from '../context.js';
import { errorResponse, HandlerRefusal } from '../envelope.js';
import { callJson, relayAnswer, validId, withCors } from '../scope-io.js';
import { callUpstream, readUpstream, type UpstreamJson } from '../upstream.js';
import { type JudgedJob, judge } from './judge.js';
import type { JobKind, ShapeField } from './kinds.js';
import { jobHeaders, readJob } from './read.js';

/**
 * Sends a job (or a character) the handler judged, and nothing else: JSON re-serialised after judging,
 * an upload written again part by part as it streams, its text fields and closing boundary held until
 * they are judged. Records the new id as the user's.
 */
export async function sendJob(
  scope: Scope,
  path: string,
  shapeFields: ShapeField[],
  kind: JobKind,
): Promise<Response> {
  const headers = await jobHeaders(scope);
  const judged = await judge(scope, kind, shapeFields, await readJob(scope, kind));
  const answer =
    judged.format === 'json'
      ? await callJson(scope, 'POST', path, { job: judged, headers })
      : await sendUpload(scope, path, headers, judged);
  const id = (answer.json as { id?: unknown } | null)?.id;
  if (answer.status >= 200 && answer.status < 300 && validId(id)) {
    const { store } = scope.ctx;
    await store.add(scope.userId, id, kind === 'character' ? 'character' : 'video', Date.now());
    // The first owner keeps an id: an answer naming someone else's job is not handed over.
    if (!(await store.owns(scope.userId, id))) {
      return withCors(
        scope,
        errorResponse(409, {
          message: 'That job belongs to another user.',
          type: 'invalid_request_error',
          code: 'conflict',
        }),
      );
    }
  }
  return relayAnswer(scope, answer);
}

/** Streams an upload through as it is judged; a refusal of its fields aborts the call before its end. */
async function sendUpload(
  scope: Scope,
  path: string,
  headers: Headers,
  judged: JudgedJob,
): Promise<UpstreamJson> {
  const abort = new AbortController();
  const signal = anySignal(scope.time.signal, abort.signal);
  const sent = callUpstream(scope.upstream, path, { method: 'POST', headers, job: judged, signal });
  sent.catch(() => {});
  const first = await Promise.race([
    judged.fields.then(() => ({ judged: true })),
    sent.then((early) => ({ early })),
  ]).catch(async (error) => {
    abort.abort();
    // A refusal of the body (413, malformed, an unknown field, not the user's video) explains the failure
    // better than the aborted call.
    // (Not waited for when the fields are still being read: a slow client must not hold the answer.)
    const refusal = await Promise.race([
      judged.fields.then(
        () => undefined,
        (reason: unknown) => reason,
      ),
      new Promise((resolve) => setTimeout(resolve, 0)),
    ]);
    throw refusal instanceof HandlerRefusal ? refusal : error;
  });
  if ('early' in first) return readUpstream(scope.upstream, first.early); // refused before reading it all
  return readUpstream(scope.upstream, await sent);
}

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const controller = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
