/**
 * Run-time validation of every request against the spec. Ajv (JSON Schema 2020-12, the dialect of
 * OpenAPI 3.1) compiles the body and parameter schemas of each operation straight from the OpenAPI
 * document once, at start-up; a failure becomes a 400 whose `param` names the field.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { openapiDocument } from './generated/document.js';
import { type ApiOperationId, apiOperations, type ParameterLocation } from './operations.js';
import { validationError } from './validation-errors.js';

const SPEC_ID = 'sora-spec';

/** The validators of one operation. */
export interface OperationValidators {
  /** Body validators by media type (`application/json`, `multipart/form-data`). */
  body: Map<string, ValidateFunction>;
  /** Parameter validators by location; each validates an object of name → value. */
  params: Map<ParameterLocation, ValidateFunction>;
}

function newAjv(coerceTypes: boolean): Ajv2020 {
  // strict off: the document carries OpenAPI keywords (`example`, `contentMediaType` on binaries, …)
  // that are annotations, not assertions. verbose: error messages need the failing data and schema.
  const ajv = new Ajv2020({ strict: false, allErrors: false, verbose: true, coerceTypes, logger: false });
  ajv.addSchema(openapiDocument, SPEC_ID);
  return ajv;
}

let compiled: ReadonlyMap<ApiOperationId, OperationValidators> | undefined;

/**
 * Every operation's validators, compiled on first use and then shared by all the emulators of the
 * process: they depend on the spec alone, and compiling takes most of an emulator's start-up time.
 */
export function compileValidators(): ReadonlyMap<ApiOperationId, OperationValidators> {
  compiled ??= compileAll();
  return compiled;
}

function compileAll(): Map<ApiOperationId, OperationValidators> {
  // Bodies are validated as sent: a JSON number where the spec says string is an error. Query, path and
  // header values are always strings on the wire, so that instance coerces them to the declared type.
  const strict = newAjv(false);
  const coercing = newAjv(true);
  const result = new Map<ApiOperationId, OperationValidators>();
  for (const operation of apiOperations.values()) {
    const body = new Map<string, ValidateFunction>();
    for (const [mediaType, content] of operation.body ?? []) {
      body.set(mediaType, strict.compile({ $ref: `${SPEC_ID}${content.schemaPointer}` }));
    }
    const params = new Map<ParameterLocation, ValidateFunction>();
    for (const location of ['query', 'path', 'header'] as const) {
      const declared = operation.parameters.filter((p) => p.in === location);
      if (declared.length === 0) continue;
      params.set(
        location,
        coercing.compile({
          type: 'object',
          properties: Object.fromEntries(
            declared.map((p) => [p.name, { $ref: `${SPEC_ID}${p.schemaPointer}` }]),
          ),
          required: declared.filter((p) => p.required).map((p) => p.name),
        }),
      );
    }
    result.set(operation.id, { body, params });
  }
  return result;
}

/** Validates `data` in place (coercing parameter types); throws the 400 envelope when it fails. */
export function assertValid(validate: ValidateFunction, data: unknown): void {
  if (!validate(data)) throw validationError(validate.errors ?? [], data);
}
