import { APIConnectionTimeoutError } from './errors.js';

/** @internal The raw Node stream behind a response of `nodeFetch`, which `downloadToFile` reads directly. */
export const NODE_BODY = Symbol.for('sora-kit.nodeBody');

/**
 * The response with a body that fails with `APIConnectionTimeoutError` when no byte arrives for `ms`
 * (after the headers, a server can otherwise hold a download open forever), aborting `request` to drop the
 * connection. Only the waits count: a slow reader is not cut. Status, headers and `url` are kept; an answer
 * of `nodeFetch`, whose raw Node stream (which `downloadToFile` reads directly) watches itself, comes back as
 * it is.
 */
export function withIdleTimeout(response: Response, ms: number, request: AbortController): Response {
  // nodeFetch's raw body keeps its own idle timeout (and fails with the same error): no second stream.
  const raw = (response as { [NODE_BODY]?: { setIdleTimeout?(ms: number): void } })[NODE_BODY];
  if (raw?.setIdleTimeout) {
    raw.setIdleTimeout(ms);
    return response;
  }
  const reader = response.body?.getReader();
  if (!reader) return response;
  const body = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const timer = setTimeout(() => {
          const error = new APIConnectionTimeoutError();
          controller.error(error);
          request.abort(error);
          reader.cancel(error).catch(() => {});
        }, ms);
        try {
          const read = await reader.read();
          if (read.done) controller.close();
          else controller.enqueue(read.value);
        } catch (error) {
          controller.error(error); // no-op when the timer errored the stream first
        } finally {
          clearTimeout(timer);
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    { highWaterMark: 0 },
  );
  // A response is a valid init of another: its status, statusText and headers are read from it (its
  // `url` is not).
  return Object.defineProperty(new Response(body, response), 'url', { value: response.url });
}
