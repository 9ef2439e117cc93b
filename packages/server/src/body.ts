import { bodyTimeout, tooLarge } from './envelope.js';

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
