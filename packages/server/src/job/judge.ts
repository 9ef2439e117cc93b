import { validateCreateParams, validatePrompt } from '@sora-kit/core';
import type { Scope } from '../context.js';
import { invalidField } from '../envelope.js';
import { PartReader } from '../multipart/reader.js';
import type { WrittenFile } from '../multipart/writer.js';
import { checkJobShape } from '../policy.js';
import { checked, refuse } from '../refusals.js';
import { validId } from '../scope-io.js';
import { type BodyOperation, checkJsonFields, checkPartName } from './fields.js';
import type { JobKind, ShapeField } from './kinds.js';
import type { JobRequest } from './read.js';

/**
 * The sum of a multipart body's text parts, in bytes: a prompt of 32 000 characters of up to 4 bytes
 * each, and the few short fields beside it. Only file parts may be larger.
 */
export const MAX_TEXT_BYTES = 160 * 1024;

/** The mark of a {@link JudgedJob}: only {@link judge} has the symbol that makes one. */
export const JUDGED: unique symbol = Symbol('judged');

/** A file part of an upload, judged by its name as its headers came; its bytes stream through. */
export type JudgedFile = WrittenFile;

/**
 * A job body the handler judged, and the only thing the API is sent (`job/send.ts` takes nothing else):
 * the fields each operation allows, checked, and for uploads the file parts, written again from what was
 * parsed. For an upload the fields settle once its body has ended and passed (a refusal rejects them).
 */
export interface JudgedJob {
  readonly [JUDGED]: true;
  readonly format: 'json' | 'multipart';
  readonly fields: Promise<Readonly<Record<string, unknown>>>;
  /** The upload's file parts in order (none for JSON); each must be read to its end before the next. */
  readonly files: AsyncIterable<JudgedFile>;
}

const noFiles: AsyncIterable<JudgedFile> = { [Symbol.asyncIterator]: async function* () {} };

/**
 * Judges a job's body: only the operation's fields, each valid, the policy's shape, and a source video the
 * user's own. JSON is judged whole now; an upload as it streams (see {@link JudgedJob}).
 */
export async function judge(
  scope: Scope,
  kind: JobKind,
  shapeFields: ShapeField[],
  job: JobRequest,
): Promise<JudgedJob> {
  const operation = scope.match.operation as BodyOperation;
  if (job.format === 'json') {
    checkJsonFields(operation, job.body);
    await checkBody(scope, kind, shapeFields, job.body, undefined);
    return { [JUDGED]: true, format: 'json', fields: Promise.resolve(job.body), files: noFiles };
  }
  const reader = new PartReader(job.stream, job.boundary, {
    maxBytes: scope.ctx.policy.maxUploadBytes,
    maxTextBytes: MAX_TEXT_BYTES,
    idleMs: scope.ctx.bodyTimeouts.uploadIdleMs,
    checkName: (name, file) => checkPartName(operation, name, file),
  });
  let settle!: { resolve(fields: Record<string, string>): void; reject(error: unknown): void };
  const fields = new Promise<Record<string, string>>((resolve, reject) => {
    settle = { resolve, reject };
  });
  fields.catch(() => {}); // observed by send(); never an unhandled rejection
  async function* files(): AsyncGenerator<JudgedFile> {
    // No prototype: a part named `__proto__` or `constructor` is refused by name, and never reaches one.
    const text = Object.create(null) as Record<string, string>;
    const names: string[] = [];
    try {
      for (let part = await reader.next(); part; part = await reader.next()) {
        if (part.kind === 'text') text[part.name] = part.value;
        else {
          names.push(part.name);
          yield { name: part.name, filename: part.filename, type: part.type, stream: part.stream };
        }
      }
      await checkBody(scope, kind, shapeFields, text, names);
      settle.resolve(text);
    } catch (error) {
      reader.cancel(error);
      settle.reject(error);
      throw error;
    } finally {
      // No-op once settled; else a file part failed (413, cut) or the API stopped reading the body.
      settle.reject(reader.failure ?? new Error('The upload was not read to its end'));
    }
  }
  return { [JUDGED]: true, format: 'multipart', fields, files: { [Symbol.asyncIterator]: files } };
}

/** Checks a job's fields: their values, the policy's shape, and that a source video is the user's. */
async function checkBody(
  scope: Scope,
  kind: JobKind,
  shapeFields: ShapeField[],
  body: Record<string, unknown>,
  files: string[] | undefined,
): Promise<void> {
  if (kind === 'character') {
    if (body.name === undefined)
      throw refuse('missing_required_parameter', 'name', "Missing required parameter: 'name'.");
    if (typeof body.name !== 'string' || body.name.trim() === '' || body.name.length > 200) {
      throw invalidField('name', "Invalid value for 'name': a string of 1 to 200 characters.");
    }
  } else checked(() => (kind === 'create' ? validateCreateParams(body) : validatePrompt(body.prompt)));
  if (kind !== 'character' && typeof body.prompt === 'string' && body.prompt.trim() === '') {
    throw invalidField(
      'prompt',
      "Invalid value for 'prompt': it is blank. Allowed: a description of the video.",
    );
  }
  checkJobShape(scope.ctx.policy, body, shapeFields);
  if (kind === 'character' && !files?.includes('video'))
    throw invalidField('video', "Missing 'video': an MP4 file part showing the character.");
  if (kind === 'derive') {
    const reference = files ? body['video[id]'] : (body.video as { id?: unknown } | undefined)?.id;
    if (reference === undefined && !files?.includes('video')) {
      throw refuse(
        'missing_required_parameter',
        'video',
        "Missing required parameter: 'video' (a completed video of yours as { id }, or an uploaded MP4).",
      );
    }
    if (
      reference !== undefined &&
      !(validId(reference) && (await scope.ctx.store.owns(scope.userId, reference)))
    ) {
      // `video.id` (a form's `video[id]` too), as the API names the field of a missing source.
      throw refuse('not_found', 'video.id', `Video with id '${String(reference).slice(0, 256)}' not found.`);
    }
  }
}
