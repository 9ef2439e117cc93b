import { APIError } from './errors.js';

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
  const decoder = new TextDecoder();
  let text = '';
  // A declared length past the limit counts as read, so nothing is. (A compressed body declares its
  // compressed length, which its decoded length is not below.)
  const declared = Number(response.headers.get('content-length'));
  let size = declared > limit ? declared : 0;
  while (size <= limit) {
    const read = await reader?.read();
    if (!read || read.done) return text + decoder.decode();
    size += read.value.length; // bytes: a Uint8Array
    text += decoder.decode(read.value, { stream: true });
  }
  await reader?.cancel().catch(() => {});
  const message = `Answer larger than maxResponseBytes (${limit} bytes)`;
  throw new APIError(response.status, undefined, message, response.headers);
}
