/**
 * The `output` of a jobs file line: a file name inside `--out-dir` that the download can create, and that
 * is not one of the batch's own files. The name rules are @sora-kit/queue's (the same for a local batch
 * and a queued one); `commands/batch.ts` then proves each folder writable on the disk.
 */
import { ValidationError } from '@sora-kit/core';
// The light entry, bundled into the CLI at build time (build.mjs): @sora-kit/queue is an optional peer, and
// checking names must load neither it nor BullMQ in a local batch.
import { checkOutputName as checkName } from '@sora-kit/queue/output-name';
import { UsageError } from '../cli-error.js';
import { LOCK_FILE, MANIFEST_FILE } from './manifest.js';

/** The batch's own files at the top of `--out-dir`, which an output would overwrite. */
const RESERVED = new Map([
  [MANIFEST_FILE, 'the batch manifest'],
  [LOCK_FILE, 'the batch manifest'],
]);

/** Checks an `output` and answers it normalised (`a//b.mp4` → `a/b.mp4`); a `UsageError` says why not. */
export function checkOutputName(name: string): string {
  try {
    return checkName(name, { folder: '--out-dir', reserved: RESERVED });
  } catch (error) {
    throw ValidationError.isInstance(error) ? new UsageError(error.message) : error;
  }
}

/** The key two outputs collide on: the same file on case-insensitive file systems (macOS, Windows). */
export function outputKey(output: string): string {
  return process.platform === 'linux' ? output : output.toLowerCase();
}
