/// <reference types="node" />
import { access, link, mkdir, open, rename, rm, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { type ClientInternals, internalsOf, type SoraClient } from '../client.js';
import { APIConnectionError, APIConnectionTimeoutError, APIUserAbortError, SoraError } from '../errors.js';
import type { VideoContentVariant } from '../generated/openapi.js';
import { RawBody } from './http1.js';
import { idleWatch } from './idle-watch.js';
import { partialPathFor } from './partial-files.js';
import { leanFetch, NODE_BODY, nodeFetch } from './transport.js';
import { writeRawBody } from './write-raw-body.js';

/** Why a download failed; see {@link DownloadError}. */
export type DownloadErrorCode =
  /** `path` exists and `overwrite` is false (before any request). */
  | 'file_exists'
  /** The body's length differs from what the server declared (`Content-Length`, `Content-Range`). */
  | 'length_mismatch'
  /** A resumed transfer answered another range than the one asked for. */
  | 'range_mismatch'
  /** The server sent no bytes at all: no video is 0 bytes long. */
  | 'empty'
  /** The file system refused (no space, no permission, a file where a folder should be…): see `cause`. */
  | 'file_system';

/** `downloadToFile` could not produce a complete file; nothing was left on disk. */
export class DownloadError extends SoraError {
  constructor(
    message: string,
    /** `file_exists`, `length_mismatch`, `range_mismatch`, `empty` or `file_system`. */
    readonly code: DownloadErrorCode,
    /** The target path of the download. */
    readonly path?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
DownloadError.prototype.name = 'DownloadError';

/**
 * A file-system error as a `DownloadError` that names the target: Node's own message names the hidden
 * partial file, which the caller never asked for. The original stays as `cause`.
 */
function fileError(path: string, doing: string, error: unknown): DownloadError {
  if (DownloadError.isInstance(error)) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const what = /^\w+: ([^,]+)/.exec(String((error as Error | undefined)?.message))?.[1];
  const detail = code && what ? `${code} (${what})` : (code ?? what ?? String(error));
  return new DownloadError(`Cannot ${doing} ${path}: ${detail}`, 'file_system', path, { cause: error });
}

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
  /** How many times a transfer cut short (or idle) is resumed (with `Range`) before giving up. Default: 5. */
  maxResumes?: number | undefined;
  /**
   * Milliseconds to wait for the answer's headers, then for each next byte of the body: a body that stops
   * sending for that long is treated like a cut connection and resumed. Default: the client's `timeout`
   * (60 000).
   */
  timeout?: number | undefined;
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
 * file beside `path` (its folders are created) in batches of about 4 MiB, one written while the next
 * arrives. A transfer cut short, or silent for `timeout` ms, resumes where it stopped with `Range` (and
 * `If-Range` with the ETag, so a file changed meanwhile is sent whole again). The length is checked against
 * `Content-Length` / `Content-Range`, and an empty body is refused; then the file is renamed into place in
 * one step. On failure or abort the temporary file is removed, so `path` either holds the complete media or
 * is untouched. Works with both forms of `/content` (bytes, or a gateway's JSON link).
 *
 * @throws DownloadError for a file that exists, a length that is wrong, an empty body, or a file-system
 *   error (naming `path`); the client's error classes for the requests.
 */
export async function downloadToFile(
  client: SoraClient,
  id: string,
  path: string,
  options: DownloadToFileOptions = {},
): Promise<DownloadResult> {
  const internals = internalsOf(client);
  try {
    return await download(client, internals, id, path, options);
  } catch (error) {
    throw internals.redact(error); // a server's words can reach these errors too (a Content-Range)
  }
}

/** The raw Node stream of a `nodeFetch` answer. */
type NodeBody = AsyncIterable<Uint8Array> & { destroy(error?: Error): void };

async function download(
  client: SoraClient,
  internals: ClientInternals,
  id: string,
  path: string,
  options: DownloadToFileOptions,
): Promise<DownloadResult> {
  const { signal, onProgress, overwrite = false, maxResumes = 5 } = options;
  const timeout = options.timeout ?? internals.timeout;
  const given = options.fetch ?? internals.fetch ?? nodeFetch;
  // nodeFetch itself: its lean form for these requests, whose answers stay inside this call.
  const transport = given === nodeFetch ? leanFetch : given;
  const disk =
    (doing: string) =>
    (error: unknown): never => {
      throw fileError(path, doing, error);
    };
  const exists = () =>
    access(path).then(
      () => true,
      () => false,
    );
  const refuse = () =>
    new DownloadError(`${path} exists; pass overwrite: true to replace it`, 'file_exists', path);
  if (!overwrite && (await exists())) throw refuse();
  await mkdir(dirname(path), { recursive: true }).catch(disk('create the folder of'));
  const temp = partialPathFor(path);
  const file = await open(temp, 'wx').catch(disk('write'));
  let open_ = true;
  try {
    let bytes = 0;
    let total: number | undefined; // the full size, once a server declared it
    let etag: string | undefined;
    let writing: Promise<void> = Promise.resolve();
    for (let resumes = 0; ; resumes++) {
      const response = await client.videos.downloadContent(id, {
        variant: options.variant,
        signal,
        fetch: transport,
        timeout,
        range: bytes ? `bytes=${bytes}-` : undefined,
        ifRange: bytes ? etag : undefined,
      });
      if (response.status === 206) {
        // A part: it must start where we are and run to the end of the whole, whose size must not change.
        const header = response.headers.get('content-range');
        const range = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(header ?? '');
        const end = Number(range?.[2]) + 1;
        const size = range?.[3] === '*' ? (total ?? end) : Number(range?.[3]);
        if (!range || Number(range[1]) !== bytes || end !== size || (total !== undefined && size !== total)) {
          await response.body?.cancel();
          throw new DownloadError(`Resumed ${path} at ${bytes} but got ${header}`, 'range_mismatch', path);
        }
        total = size;
        if (!bytes) await file.truncate(0).catch(disk('write'));
      } else {
        // A whole answer: first try, or the server would not resume (no ranges, or the ETag changed).
        bytes = 0;
        await file.truncate(0).catch(disk('write'));
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
          if (bytesWritten !== length) throw fileError(path, 'write', new Error('short write'));
          bytes += length;
          onProgress?.({ bytes, total });
        }, disk('write'));
        writing.catch(() => {}); // handled where it is awaited, at the next flush or below
      };
      const raw = (response as { [NODE_BODY]?: NodeBody })[NODE_BODY];
      if (raw instanceof RawBody) {
        // nodeFetch's body: read into two reusable buffers, each written while the other fills. It fails
        // by itself when no byte arrives for `timeout` ms (time waiting for the disk does not count).
        raw.setIdleTimeout(timeout);
        const wrote = (length: number) => {
          bytes += length;
          onProgress?.({ bytes, total });
        };
        try {
          await writeRawBody(raw, file, bytes, wrote, disk('write'));
        } catch (error) {
          raw.destroy();
          if (signal?.aborted) throw new APIUserAbortError();
          if (DownloadError.isInstance(error)) throw error; // the disk, not the network
          // A cut, or silence past the timeout: what did arrive is on disk; resume after it.
          if (resumes >= maxResumes) throw new APIConnectionError('Download cut short', { cause: error });
          continue;
        }
      } else {
        // Node's own stream when the transport gave one (no web stream per chunk), else the body. The web
        // body has its idle timeout already (the client's); Node's stream is watched here.
        const chunks = (raw ?? chunksOf(response.body))[Symbol.asyncIterator]();
        const watch = raw && idleWatch(timeout, () => raw.destroy(new APIConnectionTimeoutError()));
        let ended = false;
        try {
          for (;;) {
            watch?.wait();
            const next = await chunks.next();
            watch?.got();
            if (next.done) break;
            batch.push(next.value);
            size += next.value.byteLength;
            if (size >= BATCH) await flush();
          }
          ended = true;
          await flush();
          await writing;
        } catch (error) {
          if (signal?.aborted) throw new APIUserAbortError();
          if (DownloadError.isInstance(error)) throw error; // the disk, not the network
          // A cut, or silence past the timeout: keep what did arrive, then resume after it.
          if (resumes >= maxResumes) throw new APIConnectionError('Download cut short', { cause: error });
          await flush();
          await writing;
          continue;
        } finally {
          watch?.stop();
          if (!ended) await chunks.return?.().catch(() => {}); // drop the connection of a body left unread
        }
      }
      if (bytes === 0) {
        throw new DownloadError(
          `The server sent no bytes for ${id}; nothing was saved to ${path}`,
          'empty',
          path,
        );
      }
      if (total !== undefined && bytes !== total) {
        throw new DownloadError(`Got ${bytes} bytes of ${total} for ${id}`, 'length_mismatch', path);
      }
      if (signal?.aborted) throw new APIUserAbortError(); // aborted as the last bytes arrived
      await file.close().catch(disk('write'));
      open_ = false;
      if (overwrite) await rename(temp, path).catch(disk('replace'));
      else await placeNew(temp, path, exists, refuse).catch(disk('write'));
      onProgress?.({ bytes, total });
      return { path, bytes, etag };
    }
  } catch (error) {
    if (open_) await file.close().catch(() => {});
    await rm(temp, { force: true }).catch(() => {});
    throw error;
  }
}

/** The chunks of a web stream (whose async iteration the DOM types do not declare). */
async function* chunksOf(body: ReadableStream<Uint8Array> | null): AsyncGenerator<Uint8Array> {
  const reader = body?.getReader();
  try {
    for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) yield read.value;
  } finally {
    reader?.cancel().catch(() => {}); // stopped early (an error of ours): drop the rest
  }
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
