import { APIError } from './errors.js';

/**
 * Reads an answer's body as text, never holding more than `limit` bytes of it (and the chunk that crosses
 * it): a declared `Content-Length` past the limit is refused before a byte is read, and every body (chunked,
 * or compressed, whose declared length is not what it decodes to) is counted as it arrives and abandoned at
 * the limit (`stop`, given the error, then ends the request). A hostile server could otherwise fill memory with one answer.
 *
 * The runtime itself reads the body wherever it can: Chromium shows a fetch whose body a script read to its
 * end through a reader as cancelled (net::ERR_ABORTED) when that read outran the network's own end.
 *
 * @throws APIError (with the answer's status) when the body is larger than `limit`.
 */
export async function readText(
  response: Response,
  limit: number,
  stop?: (error: APIError) => void,
): Promise<string> {
  // A declared length past the limit counts as read, so nothing is. (A compressed body declares its
  // compressed length, which its decoded length is not below.)
  const declared = Number(response.headers.get('content-length') || Number.NaN);
  // A body that cannot pass the limit is read whole: an uncoded one of a declared length (its framing ends
  // it there); not a cross-origin answer, whose coding a browser may hide, nor nodeFetch's lookalike.
  if (
    declared <= limit &&
    !response.headers.has('content-encoding') &&
    response.type !== 'cors' &&
    response.text
  ) {
    return response.text();
  }
  // Any other is read whole too, where the request can be stopped, while a copy of it is counted.
  const copy = stop && response.clone?.();
  const whole = copy && response.text();
  whole?.catch(() => {}); // rejects once stopped
  const reader = (copy || response).body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = declared > limit ? declared : 0;
  while (size <= limit) {
    const read = await reader?.read();
    // Decoded once, at the end (a character may straddle two chunks).
    if (!read || read.done) return whole ?? new Blob(chunks as BlobPart[]).text();
    size += read.value.length; // bytes: a Uint8Array
    if (!whole) chunks.push(read.value);
  }
  const message = `Answer larger than maxResponseBytes (${limit} bytes)`;
  const error = new APIError(response.status, undefined, message, response.headers);
  stop?.(error);
  await reader?.cancel().catch(() => {});
  throw error;
}
