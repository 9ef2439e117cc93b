import type { operations } from '@sora-kit/core';
import { invalidField } from '../envelope.js';

/** The operations whose requests carry a job's body. */
type BodyOperation = 'createVideo' | 'remixVideo' | 'editVideo' | 'extendVideo' | 'createCharacter';

/** The request body schema of `Op` in `Type` (`application/json`, `multipart/form-data`). */
type BodyOf<Op extends BodyOperation, Type extends string> = NonNullable<
  operations[Op]['requestBody']
>['content'] extends infer C
  ? Type extends keyof C
    ? C[Type]
    : never
  : never;

/** Every property name of a schema (of each member, for unions). */
type KeysOf<T> = T extends unknown ? keyof T & string : never;

/** Breaks the build when `Listed` and the spec's fields differ, either way. */
type Exactly<Listed extends string, Spec extends string> = [Exclude<Spec, Listed> | Exclude<Listed, Spec>];
type Same<Pair extends [never]> = Pair;

/**
 * The fields each job-making operation may carry, per body format: what the spec names and nothing more
 * (deny by default applies to fields too). Multipart fields are split into text and file parts, since a
 * parser may read either as the other. The type checks below make the build fail when the spec gains or
 * loses a field, so a new field stays refused until someone decides how to judge it.
 */
export const JOB_FIELDS = {
  createVideo: {
    json: ['prompt', 'model', 'seconds', 'size', 'input_reference'],
    text: ['prompt', 'model', 'seconds', 'size', 'input_reference[image_url]', 'input_reference[file_id]'],
    files: ['input_reference'],
  },
  remixVideo: { json: ['prompt'], text: ['prompt'], files: [] },
  editVideo: { json: ['prompt', 'video'], text: ['prompt', 'video[id]'], files: ['video'] },
  extendVideo: {
    json: ['prompt', 'seconds', 'video'],
    text: ['prompt', 'seconds', 'video[id]'],
    files: ['video'],
  },
  createCharacter: { json: [], text: ['name'], files: ['video'] },
} as const satisfies Record<
  BodyOperation,
  { json: readonly string[]; text: readonly string[]; files: readonly string[] }
>;

type Table = typeof JOB_FIELDS;
type Json<Op extends BodyOperation> = Table[Op]['json'][number];
type Parts<Op extends BodyOperation> = Table[Op]['text'][number] | Table[Op]['files'][number];
export type JobFieldsMatchTheSpec = [
  Same<Exactly<Json<'createVideo'>, KeysOf<BodyOf<'createVideo', 'application/json'>>>>,
  Same<Exactly<Parts<'createVideo'>, KeysOf<BodyOf<'createVideo', 'multipart/form-data'>>>>,
  Same<Exactly<Json<'remixVideo'>, KeysOf<BodyOf<'remixVideo', 'application/json'>>>>,
  Same<Exactly<Parts<'remixVideo'>, KeysOf<BodyOf<'remixVideo', 'multipart/form-data'>>>>,
  Same<Exactly<Json<'editVideo'>, KeysOf<BodyOf<'editVideo', 'application/json'>>>>,
  Same<Exactly<Parts<'editVideo'>, KeysOf<BodyOf<'editVideo', 'multipart/form-data'>>>>,
  Same<Exactly<Json<'extendVideo'>, KeysOf<BodyOf<'extendVideo', 'application/json'>>>>,
  Same<Exactly<Parts<'extendVideo'>, KeysOf<BodyOf<'extendVideo', 'multipart/form-data'>>>>,
  Same<Exactly<Parts<'createCharacter'>, KeysOf<BodyOf<'createCharacter', 'multipart/form-data'>>>>,
];

/** The keys a JSON field's object may have (`video: {id}`; core checks `input_reference`'s). */
const NESTED: Readonly<Record<string, readonly string[]>> = { video: ['id'] };

const quoted = (names: readonly string[]) => names.map((name) => `'${name}'`).join(', ');

function unknownField(name: string, allowed: readonly string[]): never {
  const shown = JSON.stringify(name.slice(0, 60));
  throw invalidField(
    name.slice(0, 60),
    `Unknown field ${shown}. Allowed: ${allowed.length ? quoted(allowed) : 'none'}.`,
  );
}

/** Checks a JSON job body's field names (and those of `video: {…}`) against the operation's list. */
export function checkJsonFields(operation: BodyOperation, body: Record<string, unknown>): void {
  const allowed: readonly string[] = JOB_FIELDS[operation].json;
  for (const name of Object.keys(body)) {
    if (!allowed.includes(name)) unknownField(name, allowed);
    const nested = NESTED[name];
    const value = body[name];
    if (nested && value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (!nested.includes(key))
          unknownField(
            `${name}.${key}`,
            nested.map((k) => `${name}.${k}`),
          );
      }
    }
  }
}

/** Checks one multipart part's name, as soon as its headers are read: known, and a file or text as listed. */
export function checkPartName(operation: BodyOperation, name: string, file: boolean): void {
  const { text, files } = JOB_FIELDS[operation] as { text: readonly string[]; files: readonly string[] };
  if (file ? files.includes(name) : text.includes(name)) return;
  if (files.includes(name)) throw invalidField(name, `'${name}' must be a file part.`);
  if (text.includes(name)) throw invalidField(name, `'${name}' must be a text field, not a file.`);
  unknownField(name, [...text, ...files]);
}

export type { BodyOperation };
