import { validateCreateParams, validatePrompt } from '@sora-kit/core';
import type { Scope } from '../context.js';
import { invalidField } from '../envelope.js';
import type { MultipartFields } from '../multipart/reader.js';
import { checkJobShape } from '../policy.js';
import { checked, refuse } from '../refusals.js';
import { validId } from '../scope-io.js';
import type { JobKind, ShapeField } from './kinds.js';

/** Multipart fields the handler judges: they must arrive as text parts. */
const JUDGED_FIELDS = new Set(['prompt', 'model', 'size', 'seconds', 'name', 'video[id]']);

/** Checks a job's body: its text, the policy's shape, and that a source video is the user's. */
export async function judge(
  scope: Scope,
  kind: JobKind,
  shapeFields: ShapeField[],
  body: Record<string, unknown>,
  upload: MultipartFields | undefined,
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
  // A judged field sent as a file part (some parsers read `filename=""` parts as text) is refused.
  const hidden = upload?.files.find((name) => JUDGED_FIELDS.has(name));
  if (hidden) throw invalidField(hidden, `'${hidden}' must be a text field, not a file.`);
  checkJobShape(scope.ctx.policy, body, shapeFields);
  if (kind === 'derive') {
    const reference = upload
      ? (upload.text.get('video[id]') ?? upload.text.get('video'))
      : (body.video as { id?: unknown } | undefined)?.id;
    if (reference === undefined && !upload?.files.includes('video')) {
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
