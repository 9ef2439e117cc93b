import type { Scope } from '../context.js';
import { inspectUpload, type MultipartFields } from '../multipart/reader.js';
import { refuse } from '../refusals.js';
import { callJson, relayAnswer, validId, withCors } from '../scope-io.js';
import { callUpstream, deadline, readUpstream, type UpstreamJson } from '../upstream.js';
import { admit, type Reservation } from './admit.js';
import { judge } from './judge.js';
import type { JobKind, ShapeField } from './kinds.js';
import { jobHeaders, readJob } from './read.js';

/** Whether the API may have made something: false until a complete request could reach it. */
interface Sent {
  value: boolean;
}

/**
 * Sends a body that makes a job (or a character) after checking it: JSON read whole (capped), multipart
 * streamed through with its last chunk held until the fields are judged. The call takes a slot of the
 * policy first ({@link admit}) and settles it by what the API certainly did:
 *
 * - a 2xx answer with an id: committed (the user owns the id, the ledger counts it);
 * - refused before a complete request was sent, or a non-2xx answer: released;
 * - unknown (the connection broke after sending, or the answer broke off): a JSON call is asked again
 *   once with the same Idempotency-Key, which answers with the job if the API made it; still unknown, the
 *   slot stays taken until the store's TTL (`reservationTtlMs`), and the browser gets the 502.
 *
 * Once sent, the call runs to its answer under its own deadline, whatever the browser does: a tab closed
 * mid-create still gets its job recorded and counted.
 */
export async function sendJob(
  scope: Scope,
  path: string,
  shapeFields: ShapeField[],
  kind: JobKind,
): Promise<Response> {
  const reservation = await admit(scope, kind === 'character' ? 'character' : 'video');
  // Not the browser's signal: a paid call runs to its answer (or its own deadline) whatever the tab does.
  const paid = deadline(new AbortController().signal, scope.ctx.timeoutMs);
  const sent: Sent = { value: false };
  let answer: UpstreamJson;
  let again: (() => Promise<UpstreamJson>) | undefined;
  try {
    const headers = await jobHeaders(scope);
    const job = await readJob(scope, kind);
    if (job.format === 'json') {
      await judge(scope, kind, shapeFields, job.body, undefined);
      headers.set('content-type', 'application/json');
      // Re-serialised: the API parses exactly what was judged (a duplicate key such as
      // {"model":"sora-2-pro","model":"sora-2"} cannot mean one thing here and another there).
      const bytes = JSON.stringify(job.body);
      again = () => callJson(scope, 'POST', path, { bytes, headers }, paid.signal);
      sent.value = true;
      answer = await again();
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
        paid.signal,
        sent,
      );
    }
  } catch (error) {
    if (!sent.value) {
      paid.done();
      await reservation.release();
      throw error;
    }
    // Sent, and no answer: the API may have made the job. The same key asks it which.
    answer = await askAgain(again, error).finally(() => paid.done());
    return settle(scope, reservation, answer, false);
  }
  paid.done();
  return settle(scope, reservation, answer, true);
}

/** The answer of asking again with the same Idempotency-Key (JSON only); rethrows `error` when that fails too. */
async function askAgain(
  again: (() => Promise<UpstreamJson>) | undefined,
  error: unknown,
): Promise<UpstreamJson> {
  if (!again) throw error;
  try {
    return await again();
  } catch {
    throw error;
  }
}

/**
 * Settles the reservation by the API's answer: a 2xx with an id is committed; a non-2xx is released when it
 * is the only answer to the request (`certain`); anything else keeps the slot until the TTL.
 */
async function settle(
  scope: Scope,
  reservation: Reservation,
  answer: UpstreamJson,
  certain: boolean,
): Promise<Response> {
  const ok = answer.status >= 200 && answer.status < 300;
  const id = (answer.json as { id?: unknown } | null)?.id;
  if (ok && validId(id)) {
    // The first owner keeps an id: an answer naming someone else's job is not handed over.
    if (!(await reservation.commit(id))) {
      return withCors(scope, refuse('conflict').toResponse());
    }
  } else if (!ok && certain) await reservation.release();
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
  paid: AbortSignal,
  sent: Sent,
): Promise<UpstreamJson> {
  const upload = inspectUpload(job.stream, job.boundary, scope.ctx.policy.maxUploadBytes);
  headers.set('content-type', type);
  const abort = new AbortController();
  const signal = anySignal(paid, abort.signal);
  const call = callUpstream(scope.upstream, path, { method: 'POST', headers, body: upload.stream, signal });
  call.catch(() => {});
  const first = await Promise.race([
    upload.fields.then((fields) => ({ fields })),
    call.then((early) => ({ early })),
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
  // From here the API may get the whole body: what it did is known only from its answer.
  sent.value = true;
  upload.release(true);
  return readUpstream(scope.upstream, await call);
}

function anySignal(a: AbortSignal, b: AbortSignal): AbortSignal {
  const controller = new AbortController();
  for (const signal of [a, b]) {
    if (signal.aborted) controller.abort(signal.reason);
    else signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
