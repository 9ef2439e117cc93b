/**
 * Where downloads go, checked for real before any request: a job is paid for when it is created, so a
 * command must know it can save the video before it creates one.
 *
 * - An existing file is replaced only with `--force`; a folder is never a file name.
 * - A part of the path that is a file (`notes.txt/x.mp4`) is named as such.
 * - The folder is created, then a file of the same name and place as the download's temporary file is
 *   created and removed in it: this proves the permission, the file system (read-only, `/proc`), the name
 *   (too long, refused characters) and the space for an empty file, as the download will need them.
 *
 * `downloadToFile` checks the no-overwrite rule again when it places the file, so a file that appeared
 * meanwhile is safe too.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { UsageError } from './cli-error.js';
import { displayPath } from './display-path.js';
import { explainWriteError, isFsError } from './fs-errors.js';

export type Variant = 'video' | 'thumbnail' | 'spritesheet';

/** The file extension of each variant's media. */
export const EXTENSIONS: Record<Variant, string> = { video: '.mp4', thumbnail: '.webp', spritesheet: '.jpg' };

/** Where a download goes: always its folder; the file too once its name is known. */
export interface OutputTarget {
  folder: string;
  /** Undefined while the name depends on an id that does not exist yet (`generate` before the create). */
  path: string | undefined;
}

/**
 * The file a download goes to: `output` as given, or `<id>.<ext>` inside it when it is a folder (or ends
 * with `/`), or `<id>.<ext>` in the current folder. `id` may be unknown yet (`generate` before the job
 * exists): then only the folder is known, unless `output` names the file.
 */
export async function resolveOutput(
  output: string | undefined,
  id: string | undefined,
  variant: Variant = 'video',
): Promise<OutputTarget> {
  const name = id && defaultFileName(id, variant);
  const isDir =
    output === undefined ||
    /[\\/]$/.test(output) ||
    (await stat(output).catch(() => undefined))?.isDirectory() === true;
  if (!isDir) {
    const path = resolve(output);
    return { folder: dirname(path), path };
  }
  const folder = resolve(output ?? '.');
  return { folder, path: name ? join(folder, name) : undefined };
}

export interface PrepareOptions {
  /** `--force`: an existing file may be replaced. */
  force?: boolean | undefined;
  /** How the output is named in messages (what the user typed). Default: the path as displayed. */
  shown?: string | undefined;
}

/**
 * The longest default file name, in bytes: file systems allow 255, and the download's temporary file
 * beside it (`.<name>.<8 hex>.part`) adds 15. (@sora-kit/queue's `MAX_OUTPUT_NAME_BYTES`, for the same reason.)
 */
export const MAX_DEFAULT_NAME_BYTES = 240;

/**
 * The default file name of a job's asset: `<id>.mp4` (`.webp`, `.jpg`). The server chooses ids, up to 256
 * characters, which with the extension can be too long for a file name: then it keeps the id's first 200
 * characters and adds 16 hex of the id's SHA-256, so that two long ids never share a name and `wait` of the
 * same id always finds the same file. (Shortened rather than refused: the job is paid for when its id
 * arrives, so its name must be one that can be written.)
 */
export function defaultFileName(id: string, variant: Variant = 'video'): string {
  const name = `${id}${EXTENSIONS[variant]}`;
  if (Buffer.byteLength(name) <= MAX_DEFAULT_NAME_BYTES) return name;
  const digest = createHash('sha256').update(id).digest('hex').slice(0, 16);
  return `${id.slice(0, 200)}-${digest}${EXTENSIONS[variant]}`;
}

// While the name is unknown (before the create), the probe stands in for `<id>.mp4` with the longest
// name a default can have, so that a folder whose path leaves no room for it fails now, before a job is
// paid for, and not at the download.
const PLACEHOLDER_NAME = `video_${'0'.repeat(MAX_DEFAULT_NAME_BYTES - 10)}.mp4`;

/**
 * Refuses, with a clear message and exit 2, an output that cannot be written: an existing file without
 * `force`, a folder, a path through a file, a folder that cannot be created or written to. Creates the
 * folder. Runs before any request.
 */
export async function prepareOutput(target: OutputTarget, options: PrepareOptions = {}): Promise<void> {
  const shown = options.shown ?? displayPath(target.path ?? target.folder);
  const notWritable = (reason: string) =>
    new UsageError(`Cannot save to '${shown}': ${reason}.`, undefined, 'output_not_writable');

  if (target.path) {
    const existing = await stat(target.path).catch(() => undefined);
    if (existing?.isDirectory()) throw new UsageError(`The output '${shown}' is a folder; give a file name.`);
    if (existing && !options.force) {
      throw new UsageError(
        `The output file '${shown}' exists; pass --force to overwrite it, or choose another with --output.`,
        undefined,
        'file_exists',
      );
    }
  }
  const file = await fileInPath(target.folder);
  if (file) throw notWritable(`'${displayPath(file)}' is a file, not a folder`);
  await makeFolder(target.folder).catch((error: unknown) => {
    if (!isFsError(error)) throw error;
    throw notWritable(
      `the folder '${displayPath(target.folder)}' cannot be created (${explainWriteError(error, error.path ?? target.folder)})`,
    );
  });
  await probeWrite(join(target.folder, basename(target.path ?? PLACEHOLDER_NAME))).catch((error: unknown) => {
    if (!isFsError(error)) throw error;
    throw notWritable(explainWriteError(error, target.path ?? join(target.folder, PLACEHOLDER_NAME)));
  });
}

/**
 * Creates and removes an empty file named like the download's temporary file for `path` (core's
 * `.<name>.<8 hex>.part`, beside it): the name and place the download will need first. A probe left by
 * a crash has the shape of a partial download, which the next download of `path` removes.
 */
export async function probeWrite(path: string): Promise<void> {
  const probe = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.part`);
  const handle = await open(probe, 'wx');
  await handle.close();
  // A download of the same output that starts meanwhile may have removed it as a stale partial file.
  await unlink(probe).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
}

/**
 * `mkdir -p`, one folder at a time: Node's `recursive: true` never returns for a path in a folder that
 * answers "no such file" to any new entry although it exists (`/proc`), so each missing folder is made
 * on its own and such a folder fails at once.
 */
async function makeFolder(folder: string): Promise<void> {
  const missing: string[] = [];
  for (let at = folder; ; at = dirname(at)) {
    if (
      await stat(at).then(
        (stats) => stats.isDirectory(),
        () => false,
      )
    )
      break;
    missing.unshift(at);
    if (dirname(at) === at) break;
  }
  for (const each of missing) {
    await mkdir(each).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
  }
}

/** The deepest existing part of `folder` when it is not a folder (a file in the way), else undefined. */
async function fileInPath(folder: string): Promise<string | undefined> {
  for (let at = folder; ; at = dirname(at)) {
    const stats = await stat(at).catch((error: NodeJS.ErrnoException) => error);
    if (!(stats instanceof Error)) return stats.isDirectory() ? undefined : at;
    if (stats.code !== 'ENOENT' && stats.code !== 'ENOTDIR') return undefined; // mkdir will say why
    if (dirname(at) === at) return undefined;
  }
}
