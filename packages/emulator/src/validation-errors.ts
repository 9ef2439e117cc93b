/**
 * Turns the first Ajv error into the OpenAI error envelope: a message in the style of the real
 * service and `param` naming the field (dotted for nested fields, e.g. `input_reference.image_url`).
 */

import { ApiError } from './errors.js';
import { resolvePointer } from './operations.js';
import type { SpecValidationError as ErrorObject } from './spec-validator.js';

const quote = (value: unknown) => (typeof value === 'string' ? `'${value}'` : JSON.stringify(value));

/** `a number`, `an object`, `null`, … as the messages say it. */
function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (Number.isInteger(value)) return 'an integer';
  const type = typeof value;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** `/input_reference/image_url` → `input_reference.image_url`; array indexes as `[0]`. */
function paramName(instancePath: string, child?: string): string | null {
  const segments = instancePath
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (child !== undefined) segments.push(child);
  if (segments.length === 0) return null;
  return segments.reduce(
    (name, s, i) => (/^\d+$/.test(s) ? `${name}[${s}]` : i === 0 ? s : `${name}.${s}`),
    '',
  );
}

/** Where an `if`/`then` rule failed: the `if` schema and the object it applied to. */
interface FailedConditional {
  ifSchema: { required?: string[] } | undefined;
  objectPath: string;
}

/**
 * With `allErrors` off Ajv reports a failed `then` by the `then` keyword that failed (e.g. `required`
 * at `.../then/required`), not by the `if`: recognise it from the schema path and find the rule.
 */
function failedConditional(error: ErrorObject): FailedConditional | undefined {
  const at = error.schemaPath.lastIndexOf('/then/');
  if (at < 0 || !error.schemaPath.startsWith('#/')) return undefined;
  let rule: { if?: { required?: string[] } } | undefined;
  try {
    rule = resolvePointer(error.schemaPath.slice(0, at)) as typeof rule;
  } catch {
    return undefined;
  }
  // Each `properties/<name>` inside the `then` is one level below the object the rule applies to.
  const levelsInside = (error.schemaPath.slice(at + '/then/'.length).match(/(?:^|\/)properties\//g) ?? [])
    .length;
  const segments = error.instancePath.split('/');
  return { ifSchema: rule?.if, objectPath: segments.slice(0, segments.length - levelsInside).join('/') };
}

/**
 * The spec's one conditional rule (`SizeNeedsProModel`: the 1792 sizes need sora-2-pro) is reported on
 * `size`, the field the caller chose, with a message that says what it needs.
 */
function conditionalError({ ifSchema, objectPath }: FailedConditional, data: unknown): ApiError {
  const field = ifSchema?.required?.[0];
  const param = paramName(objectPath, field);
  const object = (resolveData(data, objectPath) ?? {}) as Record<string, unknown>;
  if (field === 'size') {
    return new ApiError(
      400,
      `Invalid value for 'size': ${quote(object.size)} is only available with model 'sora-2-pro' ` +
        `(got model ${quote(object.model ?? 'sora-2')}). The sizes 1024x1792 and 1792x1024 need sora-2-pro.`,
      { param, code: 'invalid_value' },
    );
  }
  return new ApiError(400, `Invalid value for '${param ?? 'body'}'.`, { param, code: 'invalid_value' });
}

/** The error to report from one failing keyword. */
function keywordError(error: ErrorObject, inComposite = false): ApiError {
  const param = paramName(error.instancePath);
  const name = param ?? 'body';
  const fail = (message: string, code: string, at: string | null = param) =>
    new ApiError(400, message, { param: at, code });
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required': {
      const missing = paramName(error.instancePath, String(params.missingProperty));
      return fail(`Missing required parameter: '${missing}'.`, 'missing_required_parameter', missing);
    }
    case 'additionalProperties': {
      const extra = paramName(error.instancePath, String(params.additionalProperty));
      return fail(`Unrecognized request argument supplied: ${extra}`, 'unknown_parameter', extra);
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(quote).join(', ');
      return fail(
        `Invalid value for '${name}': ${quote(error.data)}. Allowed values: ${allowed}.`,
        'invalid_value',
      );
    }
    case 'const':
      return fail(`Invalid value for '${name}': expected ${quote(params.allowedValue)}.`, 'invalid_value');
    case 'type': {
      if (param === null) return fail('Invalid request body: expected a JSON object.', 'invalid_type');
      // Inside anyOf/oneOf an enum lists only the known values of an open field: not worth quoting.
      const allowed = inComposite
        ? undefined
        : (error.parentSchema as { enum?: unknown[] } | undefined)?.enum;
      const type = String(params.type);
      const article = /^[aeiou]/.test(type) ? 'an' : 'a';
      const expected = allowed ? `${type} (one of ${allowed.map(quote).join(', ')})` : type;
      return fail(
        `Invalid type for '${name}': expected ${article} ${expected}, but got ${describeType(error.data)} instead.`,
        'invalid_type',
      );
    }
    case 'minLength':
    case 'maxLength': {
      const below = error.keyword === 'minLength';
      return fail(
        `Invalid '${name}': string too ${below ? 'short' : 'long'}. Expected a string with ${below ? 'minimum' : 'maximum'} ` +
          `length ${params.limit}, but got a string with length ${String(error.data).length} instead.`,
        below ? 'string_below_min_length' : 'string_above_max_length',
      );
    }
    case 'minimum':
    case 'maximum': {
      const below = error.keyword === 'minimum';
      return fail(
        `Invalid '${name}': integer ${below ? 'below minimum' : 'above maximum'} value. Expected a value ` +
          `${params.comparison} ${params.limit}, but got ${quote(error.data)} instead.`,
        below ? 'integer_below_min_value' : 'integer_above_max_value',
      );
    }
    case 'pattern':
      return fail(
        `Invalid '${name}': ${quote(error.data)} does not have the expected format.`,
        'invalid_value',
      );
    default:
      return fail(`Invalid '${name}': ${error.message ?? 'invalid value'}.`, 'invalid_value');
  }
}

/** "Send one of these, not both": the message for fields that exclude each other. */
function bothSent(objectName: string | null, fields: string[]): ApiError {
  // A form's bracketed fields (`video`, `video[id]`) are named after the object they stand for.
  const base = (field: string) => field.replace(/\[.*$/, '');
  const param =
    objectName ??
    (fields.every((f) => base(f) === base(fields[0] ?? '')) ? base(fields[0] ?? '') : (fields[0] ?? null));
  const choices = fields.map((f) => `'${f}'`).join(' or ');
  return new ApiError(400, `Invalid '${param ?? 'body'}': send either ${choices}, not both.`, {
    param,
    code: 'invalid_value',
  });
}

/** The segments of a JSON pointer as Ajv writes schema paths (URI-encoded, `~1` for `/`). */
const pointerSegments = (pointer: string) =>
  pointer
    .replace(/^#\/?/, '')
    .split('/')
    .map((s) => decodeURIComponent(s).replace(/~1/g, '/').replace(/~0/g, '~'));

/**
 * `dependentSchemas: {a: {properties: {b: false}}}` is how the spec says "a excludes b" (a form's
 * `video[id]` and `video`): Ajv reports the `false` schema of `b`; name both fields.
 */
function excludedField(error: ErrorObject): ApiError | undefined {
  if (error.keyword !== 'false schema') return undefined;
  const segments = pointerSegments(error.schemaPath);
  const at = segments.lastIndexOf('dependentSchemas');
  const present = segments[at + 1];
  if (at < 0 || present === undefined || segments[at + 2] !== 'properties') return undefined;
  const instance = error.instancePath.split('/');
  const excluded = pointerSegments(instance.pop() ?? '')[0] ?? '';
  return bothSent(paramName(instance.join('/')), [present, excluded]);
}

/**
 * A `oneOf` of closed objects told apart by their required field (`{image_url}` or `{file_id}`)
 * fails for an object that has the fields of two branches: say that, not "unknown field".
 */
function ambiguousOneOf(error: ErrorObject): ApiError | undefined {
  if (error.keyword !== 'oneOf' || !Array.isArray(error.schema)) return undefined;
  const data = error.data;
  if (typeof data !== 'object' || data === null) return undefined;
  const branchRequired = (error.schema as { $ref?: string; required?: string[] }[]).map((branch) => {
    const schema = typeof branch.$ref === 'string' ? (resolvePointer(branch.$ref) as typeof branch) : branch;
    return schema.required ?? [];
  });
  const matched = branchRequired.filter((names) => names.length > 0 && names.every((n) => n in data));
  if (matched.length < 2) return undefined;
  return bothSent(paramName(error.instancePath), matched.flat());
}

const depth = (error: ErrorObject) => (error.instancePath === '' ? 0 : error.instancePath.split('/').length);

/**
 * The envelope for a failed validation. With `allErrors` off, Ajv stops at the first failing keyword,
 * but a failing `anyOf`/`oneOf` first lists one error per branch and an `if` first lists its `then`'s:
 * the last error is the one that failed, the ones before it explain why.
 */
export function validationError(errors: ErrorObject[], data: unknown): ApiError {
  const last = errors[errors.length - 1];
  if (!last) return new ApiError(400, 'Invalid request.', { code: 'invalid_value' });
  const conditional = failedConditional(last);
  if (conditional) return conditionalError(conditional, data);
  const exclusive = excludedField(last) ?? ambiguousOneOf(last);
  if (exclusive) return exclusive;
  if (last.keyword === 'anyOf' || last.keyword === 'oneOf') {
    // The most specific branch error says the most: the deepest one, preferring a concrete complaint
    // over "not one of the known values" for open enums such as `model`.
    const branches = errors.slice(0, -1);
    const deepest = Math.max(...branches.map(depth));
    const candidates = branches.filter((e) => depth(e) === deepest);
    const best = candidates.find((e) => e.keyword !== 'enum') ?? candidates[0];
    if (best) return keywordError(best, true);
  }
  return keywordError(last);
}

function resolveData(data: unknown, instancePath: string): unknown {
  let node = data;
  for (const segment of instancePath.split('/').slice(1)) {
    node = (node as Record<string, unknown> | undefined)?.[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return node;
}
