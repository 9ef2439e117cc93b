/**
 * The `output` of a jobs file line: a file name inside `--out-dir` that the download can create, and that
 * is not one of the batch's own files. Everything here is decided from the name alone, before any
 * request; `commands/batch.ts` then proves each folder writable on the disk.
 */
import { basename, isAbsolute, normalize, sep } from 'node:path';
import { UsageError } from '../cli-error.js';
import { LOCK_FILE, MANIFEST_FILE } from './manifest.js';

/** The batch's own files at the top of `--out-dir`, which an output would overwrite. */
const RESERVED = new Set([MANIFEST_FILE, LOCK_FILE]);

/**
 * The longest file name, in bytes, that an output may have: file systems allow 255, and the download's
 * temporary file beside it (`.<name>.<8 hex>.part`) adds 15.
 */
export const MAX_OUTPUT_NAME_BYTES = 240;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const ALLOWED = 'Allowed: a file name inside --out-dir.';

function refuse(name: string, reason: string): UsageError {
  return new UsageError(`Invalid value for 'output': '${name}': ${reason}. ${ALLOWED}`);
}

/** Checks an `output` and answers it normalised (`a//b.mp4` → `a/b.mp4`). */
export function checkOutputName(name: string): string {
  if (name.trim() === '') throw refuse(name, 'it is empty');
  if (CONTROL.test(name))
    throw refuse(name, 'it holds a control character (a NUL byte, a line break, an escape)');
  if (isAbsolute(name) || /^[a-zA-Z]:/.test(name)) throw refuse(name, 'it is an absolute path');
  const normal = normalize(name);
  if (normal === '..' || normal.startsWith(`..${sep}`)) throw refuse(name, 'it leads out of --out-dir');
  const file = basename(normal);
  if (normal === '.' || /[\\/]$/.test(name) || file === '.' || file === '..')
    throw refuse(name, 'it names a folder, not a file');
  if (file.startsWith('.'))
    throw refuse(name, "names starting with '.' are kept for the temporary files of downloads");
  if (RESERVED.has(normal.toLowerCase())) throw refuse(name, 'it is the batch manifest of --out-dir');
  const bytes = Buffer.byteLength(file);
  if (bytes > MAX_OUTPUT_NAME_BYTES)
    throw refuse(name, `its file name is ${bytes} bytes, too long for a file system`);
  for (const folder of normal.split(sep).slice(0, -1)) {
    if (Buffer.byteLength(folder) > 255) throw refuse(name, 'a folder name in it is longer than 255 bytes');
  }
  return normal;
}

/** The key two outputs collide on: the same file on case-insensitive file systems (macOS, Windows). */
export function outputKey(output: string): string {
  return process.platform === 'linux' ? output : output.toLowerCase();
}
