import { declaredTooLarge, readCapped, utf8 } from '../body.js';
import type { Scope } from '../context.js';
import { HandlerRefusal, invalidField, tooLarge } from '../envelope.js';
import { boundaryOf } from '../multipart/reader.js';
import { refuse } from '../refusals.js';
import type { JobKind } from './kinds.js';

/** A job-making request as read so far: a whole JSON object, or a multipart body still to stream. */
export type JobRequest =
  | { format: 'json'; body: Record<string, unknown> }
  | { format: 'multipart'; boundary: string; stream: ReadableStream<Uint8Array> };

/**
 * The upstream headers of a job-making call: its Idempotency-Key, checked and scoped to the user (the same
 * key from another user must never answer with this user's job). Every paid call has one, made here when
 * the client sent none, so that the handler can ask again after a cut connection without paying twice.
 */
export async function jobHeaders(scope: Scope): Promise<Headers> {
  const headers = new Headers();
  const key = scope.request.headers.get('idempotency-key');
  if (key !== null && !/^[\x21-\x7e]{1,200}$/.test(key))
    throw invalidField('Idempotency-Key', 'Invalid Idempotency-Key: 1 to 200 visible ASCII characters.');
  headers.set('idempotency-key', `${await userTag(scope.userId)}-${key ?? crypto.randomUUID()}`);
  return headers;
}

/** Reads a job-making request's body by its Content-Type: JSON whole (capped), multipart as a stream. */
export async function readJob(scope: Scope, kind: JobKind): Promise<JobRequest> {
  const { request } = scope;
  const { policy } = scope.ctx;
  const type = request.headers.get('content-type') ?? '';
  const boundary = boundaryOf(type);
  if (/^application\/json\s*(;|$)/i.test(type) && kind !== 'character') {
    if (declaredTooLarge(request, policy.maxJsonBytes)) throw tooLarge(policy.maxJsonBytes);
    const bytes = await readCapped(request.body, policy.maxJsonBytes, scope.ctx.bodyTimeouts.jsonMs).catch(
      (error) => {
        if (error instanceof HandlerRefusal) throw error;
        throw invalidField('body', 'The request body could not be read to its end.');
      },
    );
    let body: unknown;
    try {
      body = JSON.parse(utf8.decode(bytes));
    } catch {
      throw refuse('invalid_json');
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw refuse('invalid_type');
    return { format: 'json', body: body as Record<string, unknown> };
  }
  if (boundary) {
    if (declaredTooLarge(request, policy.maxUploadBytes)) throw tooLarge(policy.maxUploadBytes);
    if (!request.body) throw invalidField('body', 'The request has no body.');
    return { format: 'multipart', boundary, stream: request.body };
  }
  const allowed = kind === 'character' ? 'multipart/form-data' : 'application/json or multipart/form-data';
  throw refuse(
    'unsupported_media_type',
    null,
    `Unsupported Content-Type ${JSON.stringify(type.slice(0, 60))}. Allowed: ${allowed}.`,
  );
}

/** A short, stable tag of a user id (SHA-256), to scope idempotency keys per user without revealing the id. */
async function userTag(userId: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(userId)));
  return `u${[...digest.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join('')}`;
}
