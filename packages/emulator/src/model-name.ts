/**
 * The spec leaves `model` open (any non-empty string passes, for dated snapshots and gateways' own
 * names), so nothing in the spec bounds it; every job stores its model, so the emulator does: 256
 * characters, the bound the spec gives ids. The answer is the one an over-long prompt gets.
 */
import { ApiError } from './errors.js';

/** The longest model name accepted. */
export const MAX_MODEL_LENGTH = 256;

/** Throws the 400 envelope naming `model` when `model` is longer than `MAX_MODEL_LENGTH`. */
export function checkModelName(model: string): void {
  if (model.length <= MAX_MODEL_LENGTH) return;
  throw new ApiError(
    400,
    `Invalid 'model': string too long. Expected a string with maximum length ${MAX_MODEL_LENGTH}, ` +
      `but got a string with length ${model.length} instead.`,
    { param: 'model', code: 'string_above_max_length' },
  );
}
