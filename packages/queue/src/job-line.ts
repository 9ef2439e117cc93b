import {
  type ImageReference,
  ValidationError,
  type VideoCreateParams,
  validateCreateParams,
} from '@sora-kit/core';
import { checkOutputName } from './output-name.js';

// The worker imports the check from here (it did before it had a file of its own).
export { checkOutputName };

/**
 * The create parameters of one queued job. They travel through Redis as JSON, so `input_reference` is
 * `{image_url}` (a URL or a `data:` URL every worker can read) or `{file_id}`, never a local file.
 */
export interface QueuedCreateParams extends Omit<VideoCreateParams, 'input_reference'> {
  input_reference?: ImageReference | undefined;
}

/** One job of a batch: what to create, and the file name its video gets. */
export interface VideoJobLine {
  /** What to create. Checked with core's validators before it is queued. */
  params: QueuedCreateParams;
  /**
   * The file name, relative to the worker's output folder (it must stay inside it). Default: the queue job
   * id with `.mp4` (so a rerun of the same line writes the same file).
   */
  output?: string | undefined;
}

const KNOWN = new Set(['prompt', 'model', 'seconds', 'size', 'input_reference']);

/**
 * Checks a job line before it is queued, so that a bad line is refused with the field named and never
 * reaches a paid request; returns a clean copy holding only the known fields.
 */
export function checkJobLine(line: VideoJobLine): VideoJobLine {
  const params = line?.params;
  if (typeof params !== 'object' || params === null) {
    throw new ValidationError(
      'params',
      params,
      'an object with prompt, model, seconds, size, input_reference',
    );
  }
  for (const key of Object.keys(params)) {
    if (!KNOWN.has(key))
      throw new ValidationError(key, (params as unknown as Record<string, unknown>)[key], 'no such field');
  }
  validateCreateParams(params);
  const ref = params.input_reference as unknown;
  if (ref !== undefined && (typeof ref !== 'object' || ref === null || ref instanceof Blob)) {
    throw new ValidationError(
      'input_reference',
      ref,
      '{image_url} or {file_id} (a file cannot travel through the queue)',
    );
  }
  const clean: QueuedCreateParams = { prompt: params.prompt };
  for (const key of ['model', 'seconds', 'size', 'input_reference'] as const) {
    if (params[key] !== undefined) Object.assign(clean, { [key]: params[key] });
  }
  return line.output === undefined
    ? { params: clean }
    : { params: clean, output: checkOutputName(line.output) };
}
