import { isAbsolute, relative } from 'node:path';

/** A path as the user should see it: relative to the current folder when it is inside it. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
