/**
 * The `output` of a job: a file name inside the output folder that a download can create, decided from the
 * name alone, before anything is queued or sent. The one check behind both `@sora-kit/queue` (its job
 * lines and its worker) and `sora-kit batch` (which adds its manifest's names as reserved).
 *
 * This file is also the `@sora-kit/queue/output-name` entry: it loads neither BullMQ nor ioredis, so a
 * caller that only checks names (the CLI's local batch) does not pay for them.
 */
import { basename, isAbsolute, normalize, sep } from 'node:path';
import { ValidationError } from '@sora-kit/core';

/**
 * The longest file name, in bytes, that an output may have: file systems allow 255, and the download's
 * temporary file beside it (`.<name>.<8 hex>.part`, core's `downloadToFile`) adds 15.
 */
export const MAX_OUTPUT_NAME_BYTES = 240;

/** Options of {@link checkOutputName}. */
export interface OutputNameOptions {
  /** How messages name the folder outputs go into, e.g. `--out-dir`. Default: `the output folder`. */
  folder?: string | undefined;
  /**
   * Names at the top of the folder that belong to something else, each with what it is, e.g.
   * `manifest.jsonl` → `the batch manifest`. Compared ignoring case (one file on macOS and Windows).
   * Default: none.
   */
  reserved?: ReadonlyMap<string, string> | undefined;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * Checks an output name and answers it normalised (`a//b.mp4` → `a/b.mp4`). Refused, with a
 * `ValidationError` on `output` that says why: anything but a string; an empty name; a control character
 * (a NUL byte, a line break, an escape); an absolute path (a drive letter too); a way out of the folder
 * (`..`); a folder (`.`, `a/`); a file name starting with `.` (kept for the downloads' temporary files);
 * a reserved name; a file name over {@link MAX_OUTPUT_NAME_BYTES} bytes or a folder name over 255.
 */
export function checkOutputName(output: unknown, options: OutputNameOptions = {}): string {
  const folder = options.folder ?? 'the output folder';
  const allowed = `a file name inside ${folder}`;
  const refuse = (reason: string) =>
    new ValidationError(
      'output',
      output,
      allowed,
      `Invalid value for 'output': ${typeof output === 'string' ? `'${output}'` : typeof output}: ${reason}. Allowed: ${allowed}.`,
    );
  if (typeof output !== 'string') throw refuse('it is not a string');
  if (output.trim() === '') throw refuse('it is empty');
  if (CONTROL.test(output))
    throw refuse('it holds a control character (a NUL byte, a line break, an escape)');
  if (isAbsolute(output) || /^[a-zA-Z]:/.test(output)) throw refuse('it is an absolute path');
  const normal = normalize(output);
  if (normal === '..' || normal.startsWith(`..${sep}`)) throw refuse(`it leads out of ${folder}`);
  const file = basename(normal);
  if (normal === '.' || /[\\/]$/.test(output) || normal.endsWith(sep) || file === '.' || file === '..')
    throw refuse('it names a folder, not a file');
  if (file.startsWith('.'))
    throw refuse("names starting with '.' are kept for the temporary files of downloads");
  for (const [name, what] of options.reserved ?? []) {
    if (name.toLowerCase() === normal.toLowerCase()) throw refuse(`it is ${what} of ${folder}`);
  }
  const bytes = new TextEncoder().encode(file).length;
  if (bytes > MAX_OUTPUT_NAME_BYTES)
    throw refuse(`its file name is ${bytes} bytes, too long for a file system`);
  for (const part of normal.split(sep).slice(0, -1)) {
    if (new TextEncoder().encode(part).length > 255)
      throw refuse('a folder name in it is longer than 255 bytes');
  }
  return normal;
}
