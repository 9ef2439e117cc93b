/**
 * Checks an HTTP answer against spec/openapi.yaml: its status is one the operation declares, its content
 * type one the response declares, and a JSON body validates (Ajv, the spec's own schemas). Media bodies
 * are not schema-checked: callers compare their bytes themselves (Prism 5.14's proxy mode corrupts them).
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parse } from 'yaml';

/** The hand-written spec, read from the repository (this package is never published). */
export const SPEC_PATH = join(
  dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  '..',
  'spec',
  'openapi.yaml',
);

/** An answer as a test saw it. */
export interface SeenAnswer {
  status: number;
  contentType: string | null;
  /** The parsed JSON body (`undefined` for media or an empty body). */
  body?: unknown;
  /** Header names present on the answer (lower case), to check the ones a response requires. */
  headers?: readonly string[];
}

export interface SpecAnswers {
  /** The spec's path template of a concrete path (`/v1/videos/video_1` → `/v1/videos/{video_id}`). */
  template(path: string): string | undefined;
  /** What is wrong with `answer` to `method path` by the spec (empty when nothing is). */
  problems(method: string, path: string, answer: SeenAnswer): string[];
  /** Every `[method, template, status]` the spec declares, to tell which a test never saw. */
  declared(): [string, string, string][];
}

type Json = Record<string, unknown>;
const escapePointer = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

/** Loads the spec and compiles each response schema on first use. */
export function loadSpecAnswers(specPath = SPEC_PATH): SpecAnswers {
  const document = parse(readFileSync(specPath, 'utf8')) as Json;
  const paths = document.paths as Record<string, Record<string, Json>>;
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema(document, 'spec');
  const resolve = (pointer: string): { pointer: string; value: Json } => {
    let at = pointer;
    for (let hops = 0; hops < 10; hops++) {
      let node: unknown = document;
      for (const raw of at.replace(/^#\/?/, '').split('/'))
        if (raw !== '') node = (node as Json)[raw.replace(/~1/g, '/').replace(/~0/g, '~')];
      const value = node as Json;
      if (typeof value?.$ref !== 'string') return { pointer: at, value };
      at = value.$ref;
    }
    throw new Error(`spec: $ref loop at ${pointer}`);
  };
  // Literal segments win over parameters (`/v1/videos/edits` is never a video id), as in routing.
  const templates = Object.keys(paths)
    .map((template) => ({
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      parameters: (template.match(/\{/g) ?? []).length,
    }))
    .sort((a, b) => a.parameters - b.parameters);
  const compiled = new Map<string, ReturnType<typeof ajv.compile>>();
  const validator = (pointer: string) => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.compile({ $ref: `spec${pointer}` });
      compiled.set(pointer, validate);
    }
    return validate;
  };

  const template = (path: string) => templates.find((t) => t.pattern.test(path.split('?')[0]!))?.template;

  return {
    template,
    declared() {
      const out: [string, string, string][] = [];
      for (const [path, item] of Object.entries(paths))
        for (const method of ['get', 'post', 'delete'])
          for (const status of Object.keys((item[method]?.responses as Json | undefined) ?? {}))
            out.push([method.toUpperCase(), path, status]);
      return out;
    },
    problems(method, path, answer) {
      const found = template(path);
      if (!found) return [`${path} is no path of the spec`];
      const item = paths[found]!;
      const lower = method.toLowerCase();
      // A method the path lacks: the answer is the 405 that any of its operations declares.
      const operations = item[lower] ? [lower] : Object.keys(item).filter((m) => item[m]?.responses);
      const status = String(answer.status);
      const at = operations
        .map((m) => `#/paths/${escapePointer(found)}/${m}/responses/${status}`)
        .find((pointer) => {
          try {
            return resolve(pointer).value !== undefined;
          } catch {
            return false;
          }
        });
      const where = `${method} ${found} ${status}`;
      if (!at) return [`${where}: status not declared`];
      const { pointer, value: response } = resolve(at);
      const problems: string[] = [];
      for (const [name, header] of Object.entries((response.headers as Json | undefined) ?? {})) {
        if ((header as Json).required && !answer.headers?.includes(name.toLowerCase()))
          problems.push(`${where}: header ${name} is required`);
      }
      if (status === '405' && !answer.headers?.includes('allow')) problems.push(`${where}: no Allow header`);
      const content = response.content as Json | undefined;
      if (!content) {
        if (answer.body !== undefined) problems.push(`${where}: a body where the spec declares none`);
        return problems;
      }
      const type = (answer.contentType ?? '').split(';')[0]!.trim().toLowerCase();
      if (!(type in content)) {
        problems.push(
          `${where}: content type ${JSON.stringify(type)} not declared (${Object.keys(content)})`,
        );
        return problems;
      }
      if (!type.endsWith('json')) return problems;
      const validate = validator(`${pointer}/content/${escapePointer(type)}/schema`);
      if (!validate(answer.body))
        problems.push(`${where}: ${ajv.errorsText(validate.errors)} in ${JSON.stringify(answer.body)}`);
      return problems;
    },
  };
}
