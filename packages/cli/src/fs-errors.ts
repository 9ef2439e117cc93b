/** File system errors in words a user can act on, instead of `EACCES: permission denied, open '…'`. */
import { dirname } from 'node:path';
import { displayPath } from './display-path.js';

/** A Node file system error: it has a `code` such as `EACCES`, and usually the `path` it was about. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException & { code: string } {
  return (
    error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && 'syscall' in error
  );
}

/**
 * Why writing a file at `path` failed, as the end of a sentence ("Cannot write 'x.mp4': <reason>").
 * `path` is the file that was being created; its folder is named where the folder is the problem.
 */
export function explainWriteError(error: NodeJS.ErrnoException, path: string): string {
  const folder = displayPath(dirname(path));
  switch (error.code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied: this user cannot create files in the folder '${folder}'`;
    case 'EROFS':
      return `the folder '${folder}' is on a read-only file system`;
    case 'ENOSPC':
      return 'no space left on the device';
    case 'EDQUOT':
      return 'the disk quota is used up';
    case 'ENAMETOOLONG':
      return 'the file name is too long for this file system';
    case 'ENOTDIR':
      return `a part of the path '${folder}' is a file, not a folder`;
    case 'ENOENT':
      return `the folder '${folder}' does not accept new files`;
    case 'EISDIR':
      return 'it is a folder';
    case 'EILSEQ':
    case 'EINVAL':
      return 'this file system does not accept that file name';
    default:
      return `${error.code ?? 'error'}: ${error.message}`;
  }
}
