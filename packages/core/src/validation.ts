import { show, ValidationError } from './errors.js';
import type { ListOrder, VideoContentVariant, VideoSeconds, VideoSize } from './generated/openapi.js';
import { isBlob } from './multipart.js';

// The run-time lists of the spec's enums. The generated layer has types only; `Exhaustive` below makes the
// build fail when the spec gains a value these lists lack, so they cannot drift apart silently.
export const SECONDS = ['4', '8', '12'] as const satisfies readonly VideoSeconds[];
export const SIZES = [
  '720x1280',
  '1280x720',
  '1024x1792',
  '1792x1024',
] as const satisfies readonly VideoSize[];
const ORDERS = ['asc', 'desc'] as const satisfies readonly ListOrder[];
export const VARIANTS = [
  'video',
  'thumbnail',
  'spritesheet',
] as const satisfies readonly VideoContentVariant[];
type Exhaustive<Missing extends never> = Missing;
export type EnumsAreComplete = Exhaustive<
  | Exclude<VideoSeconds, (typeof SECONDS)[number]>
  | Exclude<VideoSize, (typeof SIZES)[number]>
  | Exclude<ListOrder, (typeof ORDERS)[number]>
  | Exclude<VideoContentVariant, (typeof VARIANTS)[number]>
>;

/** The known non-pro model names (dated snapshots too), which cannot render the 1792 sizes. */
const NON_PRO = /^sora-2(-\d{4}-\d{2}-\d{2})?$/;

/** `'a', 'b'`: each value quoted as messages show it. */
const list = (values: readonly string[]) => values.map(show).join(', ');

/** `value` is one of `allowed`; `undefined` passes unless the field is `required`. */
export function oneOf(field: string, value: unknown, allowed: readonly string[], required?: boolean): void {
  if ((required || value !== undefined) && !allowed.includes(value as string)) {
    throw new ValidationError(field, value, list(allowed));
  }
}

/**
 * A prompt (or name): a string of 1 to `max` characters, counted in code points as the server does, with
 * at least one that is not whitespace (a prompt of spaces would start a paid job that renders nothing asked).
 */
export function checkText(field: string, value: unknown, max = 32_000): void {
  const length = typeof value === 'string' ? (value.length > max ? [...value].length : value.length) : -1;
  const blank = length > 0 && !/\S/.test(value as string);
  if (length < 1 || length > max || blank) {
    const given = length < 0 ? value : `${length}${blank ? ' whitespace' : ''} characters`;
    throw new ValidationError(field, given, `a string of 1 to ${max} characters, not only whitespace`);
  }
}

/**
 * A video or character id: the spec's pattern, and never `.` or `..`, which URL parsing would turn into a
 * walk up the path (`/v1/videos/../…`). `/` and `?` are outside the pattern already.
 */
export function checkId(value: unknown, field = 'video_id'): void {
  // The spec's `VideoId` / `CharacterId` pattern (`\w`: letters, digits and _), then no `.` or `..`.
  if (
    typeof value !== 'string' ||
    !/^[\w\-.:]{1,256}$/.test(value) ||
    value === '.' ||
    value.includes('..')
  ) {
    throw new ValidationError(field, value, 'an id of 1 to 256 letters, digits, _ - . : (no "..")');
  }
}

/**
 * The query of a list: `limit` 0-100 (0 asks for an empty page whose `has_more` says whether any video
 * exists, as the spec allows), `order` asc/desc, `after` an id.
 */
export function checkListQuery(query: { limit?: unknown; order?: unknown; after?: unknown }): void {
  const { limit } = query;
  if (
    limit !== undefined &&
    !(Number.isInteger(limit) && (limit as number) >= 0 && (limit as number) <= 100)
  ) {
    throw new ValidationError('limit', limit, 'an integer from 0 to 100');
  }
  oneOf('order', query.order, ORDERS);
  if (query.after !== undefined) checkId(query.after, 'after');
}

// The checks above, as the public API runs them: for callers that must refuse bad input before doing
// anything else (a CLI checking a whole batch file, a form validating as the user types). Each throws the
// same `ValidationError` the client's calls throw, naming the field, the value and what is allowed.

/**
 * Checks `create` parameters (prompt, seconds, size, model, the 1792-needs-pro rule, and an
 * `input_reference` that is a file or exactly one of `{image_url}` / `{file_id}`) without sending.
 */
export function validateCreateParams(params: {
  prompt?: unknown;
  seconds?: unknown;
  size?: unknown;
  model?: unknown;
  input_reference?: unknown;
}): void {
  checkText('prompt', params?.prompt); // throws for no params at all
  // `seconds`, `size`, `model` and the rule that the 1792 sizes need a sora-2-pro model.
  oneOf('seconds', params.seconds, SECONDS);
  oneOf('size', params.size, SIZES);
  const { model = 'sora-2', size } = params;
  if (typeof model !== 'string' || !model)
    throw new ValidationError('model', model, 'a model name, e.g. sora-2-pro');
  // (`size` is one of SIZES or undefined by now.)
  if ((size as string | undefined)?.includes('1792') && NON_PRO.test(model)) {
    throw new ValidationError(
      'size',
      size,
      `${list(SIZES.slice(0, 2))} with '${model}'; the 1792 sizes need a sora-2-pro model`,
    );
  }
  // The first frame: an image file (`Blob`/`File`), or exactly one of `{image_url}` and `{file_id}`, each a
  // non-empty string (the spec's `ImageReference`).
  const reference = params.input_reference;
  if (reference === undefined || isBlob(reference)) return;
  const keys = typeof reference === 'object' && reference ? Object.keys(reference) : [];
  const key = keys.join(); // one key, or a list that matches neither name
  if (!/^(image_url|file_id)$/.test(key)) {
    const both = keys.includes('image_url') && keys.includes('file_id');
    throw new ValidationError(
      'input_reference',
      reference,
      'an image file (Blob or File), { image_url } or { file_id }',
      both ? "Invalid 'input_reference': send either 'image_url' or 'file_id', not both." : undefined,
    );
  }
  const text = (reference as Record<string, unknown>)[key];
  if (typeof text !== 'string' || !text) {
    throw new ValidationError(`input_reference.${key}`, text, 'a non-empty string');
  }
}

/** Checks a prompt: a string of 1 to 32,000 characters, not only whitespace. */
export function validatePrompt(prompt: unknown): void {
  checkText('prompt', prompt);
}

/** Checks a video id: the spec's pattern, with nothing that could change the request's path. */
export function validateVideoId(id: unknown): void {
  checkId(id);
}

/** Checks a download `variant`: `video`, `thumbnail` or `spritesheet`. */
export function validateVariant(variant: unknown): void {
  oneOf('variant', variant, VARIANTS);
}

/**
 * The sizes `model` renders, the server's default (`720x1280`) first: the two 720p sizes for `sora-2` and
 * its dated snapshots, all four for `sora-2-pro` and any other name (a gateway's own models are not second
 * guessed). The rule `create` checks; for choosing a size before asking (a form's choices, a mapping from
 * another API's resolution). Default model: `sora-2`, the server's.
 */
export function sizesForModel(model = 'sora-2'): readonly VideoSize[] {
  return NON_PRO.test(model) ? SIZES.slice(0, 2) : SIZES;
}
