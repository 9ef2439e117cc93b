import { APIError } from './errors.js';

/** The default of `maxResponseBytes`: 16 MiB, far above any real answer (a page of 100 jobs is ~50 KB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

const tooLarge = (response: Response, limit: number) =>
  new APIError(
    response.status,
    undefined,
    `Answer larger than maxResponseBytes (${limit} bytes)`,
    response.headers,
  );

/**
 * Reads an answer's body as text, never holding more than `limit` bytes of it: a declared
 * `Content-Length` past the limit is refused before a byte is read, and every body (chunked, or compressed,
 * whose declared length is not what it decodes to) is counted as it arrives and abandoned at the limit. A hostile server could otherwise fill memory with one answer.
 *
 * @throws APIError (with the answer's status) when the body is larger than `limit`.
 */
export async function readText(response: Response, limit: number): Promise<string> {
  // (A compressed body declares its compressed length, which its decoded length is not below.)
  if (Number(response.headers.get('content-length')) > limit) {
    await response.body?.cancel().catch(() => {});
    throw tooLarge(response, limit);
  }
  const reader = response.body?.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
    size += read.value.length; // bytes: a Uint8Array
    if (size > limit) {
      await reader?.cancel().catch(() => {});
      throw tooLarge(response, limit);
    }
    text += decoder.decode(read.value, { stream: true });
  }
  return text + decoder.decode();
}
