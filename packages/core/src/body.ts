import { APIError } from './errors.js';

/** The default of `maxResponseBytes`: 16 MiB, far above any real answer (a page of 100 jobs is ~50 KB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const tooLarge = (response: Response, limit: number) =>
  new APIError(
    response.status,
    undefined,
    `The answer is larger than ${limit} bytes (maxResponseBytes); it was not read`,
    response.headers,
  );

/**
 * Reads an answer's body as text, never holding more than `limit` bytes of it: a declared
 * `Content-Length` past the limit is refused before a byte is read, and a body without one (chunked, or
 * compressed, whose declared length is not what it decodes to) is counted as it arrives and abandoned at
 * the limit. A hostile server could otherwise fill memory with one answer.
 *
 * @throws APIError (with the answer's status) when the body is larger than `limit`.
 */
export async function readText(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const encoding = response.headers.get('content-encoding');
  if (declared > limit && (!encoding || encoding === 'identity')) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, limit);
  }
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let read = await reader.read(); !read.done; read = await reader.read()) {
    size += read.value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      throw tooLarge(response, limit);
    }
    chunks.push(read.value);
  }
  if (chunks.length === 1) return new TextDecoder().decode(chunks[0]);
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return new TextDecoder().decode(all);
}
