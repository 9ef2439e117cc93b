import type { Scope } from '../context.js';
import { inspectUpload, type MultipartFields } from '../multipart/reader.js';
import { refuse } from '../refusals.js';
import { callJson, relayAnswer, validId, withCors } from '../scope-io.js';
import { callUpstream, readUpstream, type UpstreamJson } from '../upstream.js';
import { judge } from './judge.js';
import type { JobKind, ShapeField } from './kinds.js';
import { jobHeaders, readJob } from './read.js';

/**
 * Sends a body that makes a job (or a character) after checking it: JSON read whole (capped), multipart
 * streamed through with its last chunk held until the fields are judged. Records the new id as the user's.
 */
export async function sendJob(
  scope: Scope,
  path: string,
  shapeFields: ShapeField[],
  kind: JobKind,
): Promise<Response> {
  const headers = await jobHeaders(scope);
  const job = await readJob(scope, kind);
  let answer: UpstreamJson;
  if (job.format === 'json') {
    await judge(scope, kind, shapeFields, job.body, undefined);
    headers.set('content-type', 'application/json');
    // Re-serialised: the API parses exactly what was judged (a duplicate key such as
    // {"model":"sora-2-pro","model":"sora-2"} cannot mean one thing here and another there).
    answer = await callJson(scope, 'POST', path, { bytes: JSON.stringify(job.body), headers });
  } else {
    // The boundary this handler parsed with, and no other parameter, so the API splits the parts the same way.
    answer = await sendUpload(
      scope,
      path,
      headers,
      `multipart/form-data; boundary=${job.boundary}`,
      job,
      (fields) => {
        const flat = Object.fromEntries(fields.text) as Record<string, unknown>;
        return judge(scope, kind, shapeFields, flat, fields);
      },
    );
  }
  const id = (answer.json as { id?: unknown } | null)?.id;
  if (answer.status >= 200 && answer.status < 300 && validId(id)) {
    const { store } = scope.ctx;
    await store.add(scope.userId, id, kind === 'character' ? 'character' : 'video', Date.now());
    // The first owner keeps an id: an answer naming someone else's job is not handed over.
    if (!(await store.owns(scope.userId, id))) {
      return withCors(scope, refuse('conflict').toResponse());
    }
  }
  return relayAnswer(scope, answer);
}

/** Streams a multipart upload through, judging its fields before the upstream gets its last byte. */
async function sendUpload(
  scope: Scope,
  path: string,
  headers: Headers,
  type: string,
  job: { boundary: string; stream: ReadableStream<Uint8Array> },
  check: (fields: MultipartFields) => Promise<void>,
): Promise<UpstreamJson> {
  const upload = inspectUpload(job.stream, job.boundary, scope.ctx.policy.maxUploadBytes);
  headers.set('content-type', type);
  const abort = new AbortController();
  const signal = anySignal(scope.time.signal, abort.signal);
  const sent = callUpstream(scope.upstream, path, { method: 'POST', headers, body: upload.stream, signal });
  sent.catch(() => {});
  const first = await Promise.race([
    upload.fields.then((fields) => ({ fields })),
    sent.then((early) => ({ early })),
  ]).catch((error) => {
    abort.abort();
    // A refusal of the body (413, malformed, cut) explains the failure better than the aborted call.
    throw upload.failure() ?? error;
  });
  if ('early' in first) return readUpstream(scope.upstream, first.early); // refused before reading it all
  try {
    await check(first.fields);
  } catch (error) {
    upload.release(false);
    abort.abort();
    throw error;
  }
  upload.release(true);
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
