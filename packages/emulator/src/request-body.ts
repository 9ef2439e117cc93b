/**
 * Reads a request body the way the spec allows for its operation (JSON or multipart/form-data),
 * validates it, and hands the handler a typed value plus the uploaded files.
 *
 * A form is validated as it was sent, one property per part: the spec's multipart schemas name the
 * bracketed parts literally (`video[id]`, `input_reference[image_url]`), which is how the official SDKs
 * send an object in a form (they always send creates, edits and extensions as multipart). Only then are
 * those names decoded into nested objects, so a handler sees the same shape as from a JSON body.
 * Decoded bodies, JSON or form, are built of objects without a prototype, and a field name with a
 * `__proto__`, `constructor` or `prototype` segment is refused (form-fields.ts).
 */

import { bodyTooLarge } from './body-limit.js';
import { sha256 } from './crypto.js';
import { toHex, utf8Bytes } from './encoding.js';
import { ApiError, badRequest } from './errors.js';
import { assignField, emptyObject, type FormObject, fieldSegments } from './form-fields.js';
import type { OperationSpec, SchemaObject } from './operations.js';
import { assertValid, type OperationValidators } from './validation.js';

const JSON_TYPE = 'application/json';
const MULTIPART_TYPE = 'multipart/form-data';

/** A decoded, valid request body. */
export interface RequestBody<T> {
  value: T;
  /** Uploaded files by field name (multipart only). */
  files: Map<string, File>;
  /** A digest of the body's meaning (not its encoding), to compare requests for idempotency. */
  fingerprint(): Promise<string>;
}

/** Whether a schema is, or offers as one of its `oneOf` branches, a file (a `contentMediaType` string). */
const acceptsFile = (schema: SchemaObject | undefined): boolean =>
  schema?.contentMediaType !== undefined ||
  ((schema?.oneOf ?? []) as SchemaObject[]).some((branch) => branch.contentMediaType !== undefined);

/** Fields of a multipart schema that may carry a file upload. */
function fileFields(schema: SchemaObject): Set<string> {
  const properties = (schema.properties ?? {}) as Record<string, SchemaObject>;
  return new Set(Object.keys(properties).filter((name) => acceptsFile(properties[name])));
}

/**
 * `value` with every object rebuilt as one that inherits nothing. (JSON.parse itself never writes
 * through `__proto__`, but what is built from input inherits nothing, so no property of a polluted
 * `Object.prototype` can ever pass for a field.) A walk after parsing, not a reviver: a reviver sends
 * JSON.parse down its slow path.
 */
function withoutPrototype(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(withoutPrototype);
  const object = emptyObject();
  for (const key of Object.keys(value)) object[key] = withoutPrototype((value as FormObject)[key]);
  return object;
}

/** `{'video[id]': 'v'}` → `{video: {id: 'v'}}`: a valid form as the JSON body it stands for. */
function decodeBracketedFields(fields: Record<string, unknown>): Record<string, unknown> {
  const decoded = emptyObject();
  for (const [name, value] of Object.entries(fields)) assignField(decoded, name, value);
  return decoded;
}

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return withoutPrototype(JSON.parse(text));
  } catch {
    throw new ApiError(
      400,
      'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.',
      { code: 'invalid_json' },
    );
  }
}

/** How much a form may carry once parsed (the whole body was limited before it was read). */
export interface FormLimits {
  /** Bytes of one uploaded file. */
  maxUploadBytes: number;
  /** Bytes of all the text fields together (UTF-8). */
  maxBodyBytes: number;
}

async function readForm(
  request: Request,
  limits: FormLimits,
): Promise<{ value: FormObject; files: Map<string, File> }> {
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    throw badRequest(
      'Could not parse the multipart/form-data body of your request.',
      null,
      'invalid_multipart',
    );
  }
  // Part names are the caller's: no prototype, so `__proto__` is just a key (and refused below).
  const value = emptyObject();
  const files = new Map<string, File>();
  const encoder = new TextEncoder();
  let textBytes = 0;
  for (const [name, entry] of form.entries()) {
    if (typeof entry === 'string') {
      textBytes += encoder.encode(name).byteLength + encoder.encode(entry).byteLength;
      if (textBytes > limits.maxBodyBytes)
        throw bodyTooLarge(limits.maxBodyBytes, 'the text fields of a form');
      fieldSegments(name); // refuses __proto__, constructor, prototype segments
      value[name] = entry;
    } else {
      if (entry.size > limits.maxUploadBytes) {
        throw new ApiError(
          413,
          `File '${name}' is too large: ${entry.size} bytes; at most ${limits.maxUploadBytes} bytes are accepted per file.`,
          { param: name, code: 'file_too_large' },
        );
      }
      files.set(name, entry);
      // Files are validated as the schema declares them (strings); their bytes stay in `files`.
      value[name] = `<file ${entry.name}>`;
    }
  }
  return { value, files };
}

/** A stable digest of a decoded body: JSON with sorted keys, files replaced by their SHA-256. */
async function digest(value: unknown, files: Map<string, File>): Promise<string> {
  const fileDigests: Record<string, string> = {};
  for (const [name, file] of files)
    fileDigests[name] = toHex(await sha256(new Uint8Array(await file.arrayBuffer())));
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : typeof v === 'object' && v !== null
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v;
  return toHex(await sha256(utf8Bytes(JSON.stringify([canonical(value), canonical(fileDigests)]))));
}

/**
 * Reads and validates the body of `request` for `operation`. Throws the 400 envelope for an
 * unsupported media type, unparsable content, a file where text belongs (or the reverse), or anything
 * the schema rejects.
 */
export async function readRequestBody<T>(
  request: Request,
  operation: OperationSpec,
  validators: OperationValidators,
  limits: FormLimits,
): Promise<RequestBody<T>> {
  const accepted = operation.body ?? new Map();
  const header = request.headers.get('content-type');
  // A body without a Content-Type is read as JSON when the operation takes JSON, as lenient servers do.
  const mediaType = (header ?? JSON_TYPE).split(';')[0]?.trim().toLowerCase() ?? '';
  const content = accepted.get(mediaType);
  if (!content) {
    throw badRequest(
      `Unsupported Content-Type '${header ?? ''}'. This endpoint accepts ${[...accepted.keys()].join(' or ')}.`,
      null,
      'unsupported_content_type',
    );
  }

  let value: unknown;
  let files = new Map<string, File>();
  if (mediaType === MULTIPART_TYPE) {
    const form = await readForm(request, limits);
    value = form.value;
    files = form.files;
    const declaredFiles = fileFields(content.schema);
    for (const [name, fieldValue] of Object.entries(form.value)) {
      const isFile = files.has(name);
      if (isFile && !declaredFiles.has(name) && name in ((content.schema.properties ?? {}) as object)) {
        throw new ApiError(400, `Invalid type for '${name}': expected a string, but got a file instead.`, {
          param: name,
          code: 'invalid_type',
        });
      }
      // A plain string where a file (or a bracketed object) belongs: the schema's string branch would
      // accept the text itself, so refuse it here.
      if (!isFile && declaredFiles.has(name) && typeof fieldValue === 'string') {
        throw new ApiError(
          400,
          `Invalid type for '${name}': expected a file upload, but got a string instead.`,
          {
            param: name,
            code: 'invalid_type',
          },
        );
      }
    }
  } else {
    value = await readJson(request);
  }

  const validate = validators.body.get(mediaType);
  if (!validate) throw new Error(`no validator for ${operation.id} ${mediaType}`);
  assertValid(validate, value);
  if (mediaType === MULTIPART_TYPE) value = decodeBracketedFields(value as Record<string, unknown>);
  return { value: value as T, files, fingerprint: () => digest(value, files) };
}
