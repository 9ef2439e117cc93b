/// <reference types="node" />
import { access, link, open, rename, rm, unlink } from 'node:fs/promises';
import { CUSTOM_FETCH, type SoraClient } from '../client.js';
import { APIConnectionError, APIUserAbortError, SoraError } from '../errors.js';
import type { VideoContentVariant } from '../generated/openapi.js';
import { partialPathFor } from './partial-files.js';
import { NODE_BODY, nodeFetch } from './transport.js';

/** `downloadToFile` could not produce a complete file; nothing was left on disk. */
export class DownloadError extends SoraError {
  constructor(
    message: string,
    /** `file_exists`, `length_mismatch` or `range_mismatch`. */
    readonly code: 'file_exists' | 'length_mismatch' | 'range_mismatch',
  ) {
    super(message);
  }
}
DownloadError.prototype.name = 'DownloadError';

/** How far a download got. */
export interface DownloadProgress {
  /** Bytes written to disk so far. */
  bytes: number;
  /** The full size, when the server declared it. */
  total: number | undefined;
}

/** Options of {@link downloadToFile}. */
export interface DownloadToFileOptions {
  /** `video` (MP4), `thumbnail` (WebP) or `spritesheet` (JPEG). Default: `video`. */
  variant?: VideoContentVariant | undefined;
  /** Called after each write (about every 4 MiB) and at the end. */
  onProgress?: ((progress: DownloadProgress) => void) | undefined;
  /** Cancels the download; the partial file is removed and the call rejects with `APIUserAbortError`. */
  signal?: AbortSignal | undefined;
  /** Replace `path` if it exists. Default: false (a `DownloadError` with code `file_exists`, before any request). */
  overwrite?: boolean | undefined;
  /** How many times a transfer cut short is resumed (with `Range`) before giving up. Default: 5. */
  maxResumes?: number | undefined;
  /**
   * The `fetch` for the download's requests. Default: the one you gave the client, if any (e.g. with a
   * proxy agent); else Node's own http(s) client, whose bodies stream about twice as fast as the global
   * `fetch`'s.
   */
  fetch?: typeof fetch | undefined;
}

/** The finished download. */
export interface DownloadResult {
  path: string;
  bytes: number;
  /** The server's strong ETag, when it sent one. */
  etag: string | undefined;
}

const BATCH = 4 << 20;

const declaredLength = (response: Response): number | undefined => {
  // A compressed answer's Content-Length counts the compressed bytes, not the ones fetch hands over.
  const encoding = response.headers.get('content-encoding');
  const length = response.headers.get('content-length');
  return length && (!encoding || encoding === 'identity') ? Number(length) : undefined;
};

/**
 * Downloads a job's media to `path` with flat memory, whatever its size: the body streams to a temporary
 * file beside `path` in batches of about 4 MiB, one written while the next arrives. A transfer cut short resumes where it stopped with `Range`
 * (and `If-Range` with the ETag, so a file changed meanwhile is sent whole again); the length is checked
 * against `Content-Length` / `Content-Range`; then the file is renamed into place in one step. On failure
 * or abort the temporary file is removed, so `path` either holds the complete media or is untouched.
 * Works with both forms of `/content` (bytes, or a gateway's JSON link).
 */
export async function downloadToFile(
  client: SoraClient,
  id: string,
  path: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadResult> {
  const { signal, onProgress, overwrite = false, maxResumes = 5 } = options;
  const transport = options.fetch ?? (client as { [CUSTOM_FETCH]?: typeof fetch })[CUSTOM_FETCH] ?? nodeFetch;
  const exists = () =>
    access(path).then(
      () => true,
      () => false,
    );
  const refuse = () => new DownloadError(`${path} exists; pass overwrite: true to replace it`, 'file_exists');
  if (!overwrite && (await exists())) throw refuse();
  const temp = partialPathFor(path);
  const file = await open(temp, 'wx');
  let open_ = true;
  try {
    let bytes = 0;
    let total: number | undefined;
    let etag: string | undefined;
    let writing: Promise<void> = Promise.resolve();
    for (let resumes = 0; ; resumes++) {
      const response = await client.videos.downloadContent(id, {
        variant: options.variant,
        signal,
        fetch: transport,
        range: bytes ? `bytes=${bytes}-` : undefined,
        ifRange: bytes ? etag : undefined,
      });
      if (bytes && response.status === 206) {
        const range = /^bytes (\d+)-\d+\/(\d+|\*)$/.exec(response.headers.get('content-range') ?? '');
        const size = range?.[2] === '*' ? total : Number(range?.[2]);
        if (Number(range?.[1]) !== bytes || (total !== undefined && size !== total)) {
          await response.body?.cancel();
          throw new DownloadError(
            `Resumed at ${bytes} but got ${response.headers.get('content-range')}`,
            'range_mismatch',
          );
        }
      } else {
        // A whole answer: first try, or the server would not resume (no ranges, or the ETag changed).
        bytes = 0;
        await file.truncate(0);
        total = declaredLength(response);
      }
      const tag = response.headers.get('etag');
      if (tag && !tag.startsWith('W/')) etag = tag; // If-Range needs a strong validator

      // Read and write overlap: one batch is written while the next fills (so at most two are held).
      let batch: Uint8Array[] = [];
      let size = 0;
      let queued = bytes; // where the next batch goes; `bytes` counts what is on disk
      const flush = async () => {
        if (!size) return;
        const chunks = batch;
        const length = size;
        const at = queued;
        batch = [];
        size = 0;
        queued += length;
        await writing;
        writing = file.writev(chunks, at).then(({ bytesWritten }) => {
          if (bytesWritten !== length) throw new Error(`Short write to ${temp}`);
          bytes += length;
          onProgress?.({ bytes, total });
        });
        writing.catch(() => {}); // handled where it is awaited, at the next flush or below
      };
      try {
        // Node's own stream when the transport gave one (no web stream per chunk), else the body.
        const raw = (response as { [NODE_BODY]?: AsyncIterable<Uint8Array> })[NODE_BODY];
        for await (const chunk of raw ?? chunksOf(response.body)) {
          batch.push(chunk);
          size += chunk.byteLength;
          if (size >= BATCH) await flush();
        }
        await flush();
        await writing;
      } catch (error) {
        if (signal?.aborted) throw new APIUserAbortError();
        if (SoraError.isInstance(error)) throw error;
        if (resumes >= maxResumes) throw new APIConnectionError('Download cut short', { cause: error });
        await flush(); // keep what did arrive, then resume after it
        await writing;
        continue;
      }
      if (total !== undefined && bytes !== total) {
        throw new DownloadError(`Got ${bytes} bytes of ${total} for ${id}`, 'length_mismatch');
      }
      if (signal?.aborted) throw new APIUserAbortError(); // aborted as the last bytes arrived
      await file.close();
      open_ = false;
      if (overwrite) await rename(temp, path);
      else await placeNew(temp, path, exists, refuse);
      onProgress?.({ bytes, total });
      return { path, bytes, etag };
    }
  } catch (error) {
    if (open_) await file.close().catch(() => {});
    await rm(temp, { force: true });
    throw error;
  }
}

/** The chunks of a web stream (whose async iteration the DOM types do not declare). */
async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  const reader = body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) yield read.value;
}

/** Moves `temp` to `path` only if `path` does not exist, atomically where the file system has hard links. */
async function placeNew(temp: string, path: string, exists: () => Promise<boolean>, refuse: () => Error) {
  try {
    await link(temp, path); // fails with EEXIST instead of replacing, unlike rename
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw refuse();
    if (await exists()) throw refuse(); // no hard links here (e.g. FAT): check, then rename
    await rename(temp, path);
    return;
  }
  await unlink(temp);
}
