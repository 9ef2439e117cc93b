/// <reference types="node" />
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
