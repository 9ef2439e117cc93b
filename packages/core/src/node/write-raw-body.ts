/// <reference types="node" />
import type { FileHandle } from 'node:fs/promises';
import type { RawBody } from './http1.js';

/**
 * Writes a `nodeFetch` body to `file` from `position`: each filled buffer is written while the other one
 * fills, and handed back to the body once it is on disk (so the data goes from the socket to the file
 * with no copy in between, and while it is still in the CPU's caches). `written(length)` follows each
 * write, in order. When the body breaks (cut, idle), what did arrive is written before its error goes on;
 * a failed write rejects with `diskError`'s error.
 */
export async function writeRawBody(
  body: RawBody,
  file: FileHandle,
  position: number,
  written: (length: number) => void,
  diskError: (error: unknown) => never,
): Promise<void> {
  let writing: Promise<void> = Promise.resolve();
  let at = position;
  try {
    for (let view = await body.next(); view; view = await body.next()) {
      await writing;
      const piece = view;
      const where = at;
      at += piece.byteLength;
      writing = file.write(piece, 0, piece.byteLength, where).then(({ bytesWritten }) => {
        if (bytesWritten !== piece.byteLength) diskError(new Error('short write'));
        written(piece.byteLength);
        body.release(piece);
      }, diskError);
      writing.catch(() => {}); // awaited at the next piece, or below
    }
  } finally {
    await writing;
  }
}
