import { bodyTimeout, tooLarge } from './envelope.js';

/** One decoder for every whole body (`decode` without `stream` keeps no state between calls). */
export const utf8 = new TextDecoder();

/**
 * Reads a whole body, refusing it (413) as soon as it passes `limit` bytes, without reading the rest: a
 * client cannot make the server buffer more than the cap. With `timeoutMs`, a body that has not ended by
 * then (a client trickling bytes) is refused too (408), rather than holding the request for minutes.
 */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  limit: number,
  timeoutMs = Number.POSITIVE_INFINITY,
): Promise<Uint8Array> {
  if (!body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = body.getReader();
  let timedOut = false;
  // Cancelling ends the pending read (as done), so the loop below stops at once.
  const timer =
    timeoutMs < Number.POSITIVE_INFINITY
      ? setTimeout(() => {
          timedOut = true;
          reader.cancel().catch(() => {});
        }, timeoutMs)
      : undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (timedOut) throw bodyTimeout(timeoutMs);
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => {});
        throw tooLarge(limit);
      }
      chunks.push(value);
    }
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const chunk of chunks) {
    all.set(chunk, at);
    at += chunk.byteLength;
  }
  return all;
}

/** The request's declared length, when it declares one that is already over the cap (refused unread). */
export function declaredTooLarge(request: Request, limit: number): boolean {
  const length = Number(request.headers.get('content-length'));
  return Number.isFinite(length) && length > limit;
}

/**
 * A whole answer as text, capped like {@link readCapped}. An answer that declares a `Content-Length`
 * within the cap is read by the runtime in one go: HTTP framing ends the body at that length, so it cannot
 * grow past the cap (the common case: every JSON answer of the API declares its length).
 */
export async function readCappedText(response: Response, limit: number): Promise<string> {
  const declared = response.headers.get('content-length');
  if (declared !== null && /^\d{1,15}$/.test(declared)) {
    if (Number(declared) > limit) {
      await response.body?.cancel().catch(() => {});
      throw tooLarge(limit);
    }
    return response.text();
  }
  return utf8.decode(await readCapped(response.body, limit));
}
