import type { Scope } from '../context.js';
import { HandlerRefusal } from '../envelope.js';
import { refuse } from '../refusals.js';
import { callJson, relayAnswer, validId, withCors } from '../scope-io.js';
import { callUpstream, deadline, readUpstream, type UpstreamJson } from '../upstream.js';
import { admit, type Reservation } from './admit.js';
import { type JudgedJob, judge } from './judge.js';
import type { JobKind, ShapeField } from './kinds.js';
import { jobHeaders, readJob } from './read.js';

/** Whether the API may have made something: false until a complete request could reach it. */
interface Sent {
  value: boolean;
}

/**
 * Sends a job (or a character) the handler judged, and nothing else: JSON re-serialised after judging,
 * an upload written again part by part as it streams, its text fields and closing boundary held until
 * they are judged. The call takes a slot of the policy first ({@link admit}) and settles it by what the API
 * certainly did:
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
    const judged = await judge(scope, kind, shapeFields, await readJob(scope, kind));
    if (judged.format === 'json') {
      // Re-serialised from what was judged (a duplicate key such as {"model":"sora-2-pro","model":"sora-2"}
      // cannot mean one thing here and another there); asked again with the same key when the outcome is unknown.
      again = () => callJson(scope, 'POST', path, { job: judged, headers }, paid.signal);
      sent.value = true;
      answer = await again();
    } else {
      answer = await sendUpload(scope, path, headers, judged, paid.signal, sent);
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

/** Streams an upload through as it is judged; a refusal of its fields aborts the call before its end. */
async function sendUpload(
  scope: Scope,
  path: string,
  headers: Headers,
  judged: JudgedJob,
  paid: AbortSignal,
  sent: Sent,
): Promise<UpstreamJson> {
  const abort = new AbortController();
  const signal = anySignal(paid, abort.signal);
  const call = callUpstream(scope.upstream, path, { method: 'POST', headers, job: judged, signal });
  call.catch(() => {});
  const first = await Promise.race([
    judged.fields.then(() => ({ judged: true })),
    call.then((early) => ({ early })),
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
  // Judged: the closing boundary goes out now, and what the API did is known only from its answer.
  sent.value = true;
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
