/**
 * Where downloads go, and the no-overwrite rule: an existing file is replaced only with `--force`.
 * The check runs before any request (for a path known in advance), so a refused run costs nothing;
 * `downloadToFile` checks again when it places the file, so a file that appeared meanwhile is safe too.
 */
import { mkdir, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from './cli-error.js';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';

/** The file extension of each variant's media. */
export const EXTENSIONS: Record<Variant, string> = { video: '.mp4', thumbnail: '.webp', spritesheet: '.jpg' };

/**
 * The file a download goes to: `output` as given, or `<id>.<ext>` inside it when it is a folder (or ends
 * with `/`), or `<id>.<ext>` in the current folder. `id` may be unknown yet (`generate` before the job
 * exists): then only an explicit file path is resolved, and `undefined` answered otherwise.
 */
export async function resolveOutput(
  output: string | undefined,
  id: string | undefined,
  variant: Variant = 'video',
): Promise<string | undefined> {
  const name = id && `${id}${EXTENSIONS[variant]}`;
  if (output === undefined) return name && resolve(name);
  const isDir = /[\\/]$/.test(output) || (await stat(output).catch(() => undefined))?.isDirectory();
  if (isDir) return name && resolve(join(output, name));
  return resolve(output);
}

/** Refuses an existing file without `force` (exit 2) and creates the folder the file goes in. */
export async function prepareOutput(path: string, force: boolean | undefined, shown = path): Promise<void> {
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) throw new UsageError(`The output '${shown}' is a folder; give a file name.`);
  if (existing && !force) {
    throw new UsageError(
      `The output file '${shown}' exists; pass --force to overwrite it, or choose another with --output.`,
      undefined,
      'file_exists',
    );
  }
  await mkdir(dirname(path), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError(`Cannot create the folder of '${shown}': ${error.code ?? error.message}.`);
  });
}
