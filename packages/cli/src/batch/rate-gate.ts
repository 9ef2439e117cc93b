/**
 * One gate shared by every worker of a batch. When any request is answered 429, the gate closes for the
 * `retry-after-ms` / `Retry-After` the server asked for (1 s when it gave none) and every request of
 * every worker waits for it to open again, instead of each worker discovering the limit on its own
 * (which would multiply the 429s by the concurrency and keep the account over its limit).
 *
 * It sits in front of `fetch` (core's `fetch` option), so it sees core's own retries too: core still
 * retries a 429 after the server's delay, and that retry, like every other request, waits at the gate.
 */

import { retryAfterMs } from '@sora-kit/core';

// One parser of `retry-after-ms` / `Retry-After` for the batch and the queue: core's.
export { retryAfterMs };

export interface RateGateOptions {
  /** The pause when a 429 names no delay. Default `1000` ms. */
  defaultDelayMs?: number;
  /** The longest pause honoured for one 429 (a bogus header must not stall a batch for hours). Default `120000` ms. */
  maxDelayMs?: number;
  /** Called when the gate closes (or its pause grows), with the time it opens again. */
  onPause?: (untilMs: number, delayMs: number) => void;
}

export class RateGate {
  #openAt = 0;
  /** How many 429 answers the gate has seen. */
  limited = 0;
  readonly #options: Required<Omit<RateGateOptions, 'onPause'>> & Pick<RateGateOptions, 'onPause'>;

  constructor(options: RateGateOptions = {}) {
    this.#options = {
      defaultDelayMs: options.defaultDelayMs ?? 1000,
      maxDelayMs: options.maxDelayMs ?? 120_000,
      onPause: options.onPause,
    };
  }

  /** When the gate opens again (ms since the epoch); in the past when it is open. */
  get openAt(): number {
    return this.#openAt;
  }

  /** Resolves when the gate is open (at once when it is); rejects when `signal` aborts first. */
  async wait(signal?: AbortSignal): Promise<void> {
    for (;;) {
      const delay = this.#openAt - Date.now();
      if (delay <= 0) return;
      await sleep(delay, signal);
    }
  }

  /** Closes the gate for what a 429 answer asks. */
  limit(headers: Headers): void {
    this.limited += 1;
    const asked = retryAfterMs(headers) ?? this.#options.defaultDelayMs;
    const delay = Math.min(asked, this.#options.maxDelayMs);
    const until = Date.now() + delay;
    if (until > this.#openAt) {
      this.#openAt = until;
      this.#options.onPause?.(until, delay);
    }
  }

  /** `fetch` behind the gate: waits for it to open, and closes it on a 429 answer. */
  wrap(fetchImpl: typeof fetch): typeof fetch {
    return async (input, init) => {
      await this.wait(init?.signal ?? undefined);
      const response = await fetchImpl(input, init);
      if (response.status === 429) this.limit(response.headers);
      return response;
    };
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
