/**
 * Run-time validation of every request against the spec. The validators are Ajv's standalone code,
 * generated from the OpenAPI document by `pnpm generate` (src/generated/*-validators.ts): compiling
 * them at start-up would call `new Function`, which edge runtimes forbid, and would cost every start.
 * A failure becomes a 400 whose `param` names the field.
 */
import { bodyValidators } from './generated/body-validators.js';
import { parameterValidators } from './generated/parameter-validators.js';
import { type ApiOperationId, apiOperations, type ParameterLocation } from './operations.js';
import type { SpecValidator } from './spec-validator.js';
import { validationError } from './validation-errors.js';

/** The validators of one operation. */
export interface OperationValidators {
  /** Body validators by media type (`application/json`, `multipart/form-data`). */
  body: Map<string, SpecValidator>;
  /** Parameter validators by location; each validates an object of name → value. */
  params: Map<ParameterLocation, SpecValidator>;
}

let assembled: ReadonlyMap<ApiOperationId, OperationValidators> | undefined;

/**
 * Every operation's validators, checked against the operations the app routes: a media type or a
 * parameter location without its precompiled validator means the generated files are stale.
 */
export function specValidators(): ReadonlyMap<ApiOperationId, OperationValidators> {
  assembled ??= assemble();
  return assembled;
}

function assemble(): Map<ApiOperationId, OperationValidators> {
  const stale = (what: string) =>
    new Error(`spec: no precompiled validator for ${what}; run \`pnpm generate\``);
  const result = new Map<ApiOperationId, OperationValidators>();
  for (const operation of apiOperations.values()) {
    const body = new Map<string, SpecValidator>();
    for (const mediaType of operation.body?.keys() ?? []) {
      const validate = bodyValidators[operation.id]?.[mediaType];
      if (!validate) throw stale(`the ${mediaType} body of ${operation.id}`);
      body.set(mediaType, validate);
    }
    const params = new Map<ParameterLocation, SpecValidator>();
    for (const location of new Set(operation.parameters.map((p) => p.in))) {
      const validate = parameterValidators[operation.id]?.[location];
      if (!validate) throw stale(`the ${location} parameters of ${operation.id}`);
      params.set(location, validate);
    }
    result.set(operation.id, { body, params });
  }
  return result;
}

/** Validates `data` in place (coercing parameter types); throws the 400 envelope when it fails. */
export function assertValid(validate: SpecValidator, data: unknown): void {
  if (!validate(data)) throw validationError(validate.errors ?? [], data);
}
