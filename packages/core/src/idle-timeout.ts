import { APIConnectionTimeoutError } from './errors.js';

/** Watches the waits for the next chunk of a body; see {@link idleWatch}. */
export interface IdleWatch {
  /** A read for the next chunk starts. */
  wait(): void;
  /** The chunk (or the end) arrived. */
  got(): void;
  /** The body is done with: no more checks. */
  stop(): void;
}

/**
 * Calls `onIdle` once a wait for the next chunk has lasted `ms`. Time spent between reads (the caller
 * writing to disk, say) does not count. One timer serves the whole body: it is set when a wait starts and,
 * when it fires early (the waits since were short), set again for the rest, so a chunk costs two clock
 * reads, not a timer.
 */
export function idleWatch(ms: number, onIdle: () => void): IdleWatch {
  let since = -1; // when the current wait started; -1: not waiting
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    timer = undefined;
    if (since < 0) return;
    const idle = performance.now() - since;
    if (idle >= ms) onIdle();
    else timer = setTimeout(check, ms - idle);
  };
  return {
    wait() {
      since = performance.now();
      timer ??= setTimeout(check, ms);
    },
    got() {
      since = -1;
    },
    stop() {
      since = -1;
      clearTimeout(timer);
      timer = undefined;
    },
  };
}

/** @internal The raw Node stream behind a response of `nodeFetch`, which `downloadToFile` reads directly. */
export const NODE_BODY = Symbol.for('sora-kit.nodeBody');

/**
 * The response with a body that fails with `APIConnectionTimeoutError` when no byte arrives for `ms`
 * (after the headers, a server can otherwise hold a download open forever), calling `abort` to drop the
 * connection. Status, headers, `url` and the raw Node stream of `nodeFetch` (whose reader watches it
 * itself) are kept.
 */
export function withIdleTimeout(response: Response, ms: number, abort: (reason: Error) => void): Response {
  const source = response.body;
  if (!source) return response;
  const reader = source.getReader();
  let controller!: ReadableStreamDefaultController<Uint8Array>;
  let failed = false;
  const watch = idleWatch(ms, () => {
    const error = new APIConnectionTimeoutError();
    failed = true;
    controller.error(error);
    abort(error);
    reader.cancel(error).catch(() => {});
  });
  const body = new ReadableStream<Uint8Array>(
    {
      start(c) {
        controller = c;
      },
      async pull(c) {
        watch.wait();
        let read: ReadableStreamReadResult<Uint8Array>;
        try {
          read = await reader.read();
        } catch (error) {
          watch.stop();
          if (!failed) c.error(error);
          return;
        }
        watch.got();
        if (failed) return;
        if (read.done) {
          watch.stop();
          c.close();
        } else c.enqueue(read.value);
      },
      cancel(reason) {
        watch.stop();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  const watched = new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
  Object.defineProperties(watched, {
    url: { value: response.url },
    redirected: { value: response.redirected },
    [NODE_BODY]: { value: (response as { [NODE_BODY]?: unknown })[NODE_BODY] },
  });
  return watched;
}
