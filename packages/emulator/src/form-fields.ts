/**
 * Multipart field names in bracket notation (`video[id]`, `input_reference[image_url]`, `tags[]`),
 * decoded into nested objects: that is how the official SDKs send an object in a form.
 *
 * Everything built here inherits no property (see `emptyObject`), and a name with a `__proto__`,
 * `constructor` or `prototype` segment is refused: written through, such a name would reach
 * `Object.prototype` (`__proto__[model]=x` would give every later request that model, and
 * `__proto__[signal]=x` would break every `fetch` of the process).
 */
import { badRequest } from './errors.js';

/** Keys that reach a prototype when used on a plain object. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A decoded form: field names to strings, arrays and nested objects, none with a prototype. */
export type FormObject = Record<string, unknown>;

/**
 * A constructor of objects that inherit nothing: their prototype is an empty, frozen object that itself
 * has no prototype, so no property (not `__proto__`, not `constructor`) comes from anywhere but the
 * object itself. Not `Object.create(null)`, which V8 builds in its slow dictionary mode: the validators
 * read these objects on every request.
 */
const NoPrototype = function NoPrototype() {} as unknown as new () => FormObject;
NoPrototype.prototype = Object.freeze(Object.create(null));

/** An empty object that inherits no property. */
export const emptyObject = (): FormObject => new NoPrototype();

/** `video[id]` → `['video', 'id']`; `tags[]` → `['tags', '']`; a name without brackets is one segment. */
export function fieldSegments(name: string): string[] {
  const match = /^([^[\]]+)((?:\[[^[\]]*\])+)$/.exec(name);
  const segments = match
    ? [match[1] as string, ...[...(match[2] as string).matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')]
    : [name];
  if (segments.some((segment) => FORBIDDEN_SEGMENTS.has(segment))) {
    throw badRequest(
      `Invalid field name '${name}': the names __proto__, constructor and prototype are not allowed in a field name.`,
      name,
      'invalid_field_name',
    );
  }
  return segments;
}

/** Sets `target[segments...] = value` for a form field `name`; throws the 400 envelope for a forbidden name. */
export function assignField(target: FormObject, name: string, value: unknown): void {
  const keys = fieldSegments(name);
  let node: FormObject | unknown[] = target;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i] as string;
    const last = i === keys.length - 1;
    const fresh = () => (keys[i + 1] === '' ? [] : emptyObject());
    if (Array.isArray(node)) {
      if (last) node.push(value);
      else node = node[node.push(fresh()) - 1] as FormObject | unknown[];
      continue;
    }
    if (last) {
      node[key] = value;
      continue;
    }
    let next = node[key];
    if (typeof next !== 'object' || next === null) {
      next = fresh();
      node[key] = next;
    }
    node = next as FormObject | unknown[];
  }
}
