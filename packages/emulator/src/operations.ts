/**
 * The operations of the spec, read from the OpenAPI document at start-up: the routes the app registers
 * and the schemas requests are validated against come from here, so the emulator cannot drift from
 * `spec/openapi.yaml`.
 */
import { openapiDocument } from './generated/document.js';
import type { operations, paths, VideoSeconds, VideoSize } from './generated/openapi.js';

/** A JSON Schema object as found in the document. */
export type SchemaObject = Record<string, unknown>;

/** Where a parameter travels. */
export type ParameterLocation = 'query' | 'path' | 'header';

/** A parameter of an operation, with `$ref`s resolved. */
export interface ParameterSpec {
  name: string;
  in: ParameterLocation;
  required: boolean;
  /** JSON pointer (from the document root) of the parameter's schema. */
  schemaPointer: string;
}

/** One media type of a request body. */
export interface BodyContentSpec {
  /** JSON pointer of the body schema. */
  schemaPointer: string;
  /** The schema itself, `$ref`s resolved at the top level (to find file fields and defaults). */
  schema: SchemaObject;
}

/** An operation of the spec. */
export interface OperationSpec {
  id: ApiOperationId;
  method: 'get' | 'post' | 'delete';
  /** The OpenAPI path, e.g. `/v1/videos/{video_id}`. */
  path: string;
  /** The same path in Hono's syntax, e.g. `/v1/videos/:video_id`. */
  routePath: string;
  parameters: ParameterSpec[];
  /** The request body's media types (`application/json`, `multipart/form-data`), if it has a body. */
  body: Map<string, BodyContentSpec> | undefined;
}

type PathOperation = { [P in keyof paths]: paths[P][Exclude<keyof paths[P], 'parameters'>] }[keyof paths];

/** The operationIds of the API's paths (the spec's webhooks are operations too, but not routes). */
export type ApiOperationId = {
  [K in keyof operations]: operations[K] extends PathOperation ? K : never;
}[keyof operations];

const METHODS = ['get', 'post', 'delete'] as const;

const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** The value at a JSON pointer (`#/a/b`) of the document. */
export function resolvePointer(pointer: string): unknown {
  let node: unknown = openapiDocument;
  for (const raw of pointer.replace(/^#\/?/, '').split('/')) {
    if (raw === '') continue;
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = (node as Record<string, unknown> | undefined)?.[segment];
  }
  if (node === undefined) throw new Error(`spec: nothing at ${pointer}`);
  return node;
}

/** Follows `$ref`s from `pointer` to the object they end at; answers that object and its own pointer. */
function dereference(pointer: string): { pointer: string; value: SchemaObject } {
  let current = pointer;
  for (let hops = 0; hops < 10; hops++) {
    const value = resolvePointer(current) as SchemaObject;
    if (typeof value.$ref !== 'string') return { pointer: current, value };
    current = value.$ref;
  }
  throw new Error(`spec: $ref loop at ${pointer}`);
}

function readParameters(pointers: string[]): ParameterSpec[] {
  return pointers.map((pointer) => {
    const { pointer: at, value } = dereference(pointer);
    const location = value.in;
    if (location !== 'query' && location !== 'path' && location !== 'header') {
      throw new Error(`spec: unsupported parameter location ${String(location)} at ${at}`);
    }
    return {
      name: String(value.name),
      in: location,
      required: value.required === true,
      schemaPointer: `${at}/schema`,
    };
  });
}

function readOperations(): Map<ApiOperationId, OperationSpec> {
  const result = new Map<ApiOperationId, OperationSpec>();
  const specPaths = resolvePointer('#/paths') as Record<string, Record<string, unknown>>;
  for (const [path, item] of Object.entries(specPaths)) {
    const base = `#/paths/${escapePointer(path)}`;
    const shared = ((item.parameters as unknown[] | undefined) ?? []).map(
      (_, i) => `${base}/parameters/${i}`,
    );
    for (const method of METHODS) {
      const operation = item[method] as SchemaObject | undefined;
      if (!operation) continue;
      const at = `${base}/${method}`;
      const own = ((operation.parameters as unknown[] | undefined) ?? []).map(
        (_, i) => `${at}/parameters/${i}`,
      );
      let body: Map<string, BodyContentSpec> | undefined;
      if (operation.requestBody) {
        const { pointer: bodyAt, value } = dereference(`${at}/requestBody`);
        body = new Map();
        for (const mediaType of Object.keys(value.content as SchemaObject)) {
          const schemaPointer = `${bodyAt}/content/${escapePointer(mediaType)}/schema`;
          body.set(mediaType, { schemaPointer, schema: dereference(schemaPointer).value });
        }
      }
      const id = String(operation.operationId) as ApiOperationId;
      result.set(id, {
        id,
        method,
        path,
        routePath: path.replace(/\{([^}]+)\}/g, ':$1'),
        parameters: readParameters([...shared, ...own]),
        body,
      });
    }
  }
  return result;
}

/** Every operation of the spec's paths, by operationId, in the spec's order. */
export const apiOperations: ReadonlyMap<ApiOperationId, OperationSpec> = readOperations();

/** The operation `id`; throws when the spec has no such operation. */
export function operationSpec(id: ApiOperationId): OperationSpec {
  const spec = apiOperations.get(id);
  if (!spec) throw new Error(`spec: no operation ${id}`);
  return spec;
}

/** The `default` of a component schema, e.g. `schemaDefault('VideoSeconds')` → `'4'`. */
export function schemaDefault<T>(name: string): T {
  const value = (resolvePointer(`#/components/schemas/${escapePointer(name)}`) as SchemaObject).default;
  if (value === undefined) throw new Error(`spec: schema ${name} has no default`);
  return value as T;
}

/** What a new job gets when its request leaves them out: the spec's defaults of model, seconds and size. */
export function jobDefaults(): { model: string; seconds: VideoSeconds; size: VideoSize } {
  return {
    model: schemaDefault<string>('VideoModel'),
    seconds: schemaDefault<VideoSeconds>('VideoSeconds'),
    size: schemaDefault<VideoSize>('VideoSize'),
  };
}

/** The `default` of a parameter's schema, e.g. `parameterDefault('listVideos', 'limit')` → `20`. */
export function parameterDefault<T>(id: ApiOperationId, name: string): T {
  const parameter = operationSpec(id).parameters.find((p) => p.name === name);
  if (!parameter) throw new Error(`spec: ${id} has no parameter ${name}`);
  const { value } = dereference(parameter.schemaPointer);
  if (value.default === undefined) throw new Error(`spec: parameter ${name} of ${id} has no default`);
  return value.default as T;
}
