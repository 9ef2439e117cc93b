import { randomUUID } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// One place owns the name of a download in progress: `.<target name>.<8 hex>.part`, beside the target (so
// the final rename stays on one file system and is atomic). The random part lets two writers of one target
// never share a file.
const PARTIAL = /^\.(.+)\.[0-9a-f]{8}\.part$/;

/** A fresh temporary path for a download to `path`. */
export function partialPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomUUID().slice(0, 8)}.part`);
}

/**
 * The partial files that downloads to `path` left behind. `downloadToFile` removes its own on failure or
 * abort, but a process killed outright (SIGKILL, a power cut) cannot: a caller that knows no other process
 * is downloading to `path` (a batch holding its lock, say) may remove these before trying again.
 */
export async function findPartialDownloads(path: string): Promise<string[]> {
  const dir = dirname(path);
  const name = basename(path);
  const entries = await readdir(dir).catch(() => [] as string[]);
  return entries.filter((entry) => PARTIAL.exec(entry)?.[1] === name).map((entry) => join(dir, entry));
}
