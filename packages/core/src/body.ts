import { APIError } from './errors.js';

/** One decoder for every answer: a decoder made per answer costs more than the decoding. */
const utf8 = new TextDecoder();

/**
 * Reads an answer's body as text, never holding more than `limit` bytes of it (and the chunk that crosses
 * it): a declared `Content-Length` past the limit is refused before a byte is read, and every body (chunked,
 * or compressed, whose declared length is not what it decodes to) is counted as it arrives and abandoned at
 * the limit. A hostile server could otherwise fill memory with one answer.
 *
 * @throws APIError (with the answer's status) when the body is larger than `limit`.
 */
export async function readText(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  // A declared length past the limit counts as read, so nothing is. (A compressed body declares its
  // compressed length, which its decoded length is not below.)
  const declared = Number(response.headers.get('content-length'));
  let size = declared > limit ? declared : 0;
  while (size <= limit) {
    const read = await reader?.read();
    // Decoded once, at the end (a character may straddle two chunks).
    if (!read || read.done)
      return utf8.decode(
        chunks.length === 1 ? chunks[0] : await new Blob(chunks as BlobPart[]).arrayBuffer(),
      );
    size += read.value.length; // bytes: a Uint8Array
    chunks.push(read.value);
  }
  await reader?.cancel().catch(() => {});
  const message = `Answer larger than maxResponseBytes (${limit} bytes)`;
  throw new APIError(response.status, undefined, message, response.headers);
}
