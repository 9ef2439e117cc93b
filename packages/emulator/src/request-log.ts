/**
 * A log of the requests the emulator answered, for tests ("did the client retry?", "did it send an
 * Idempotency-Key?") and benchmarks. It holds no headers, so never the API key, and no download token:
 * a signed `/files/<token>` link lets anyone download the video, so it is a credential, logged
 * as `/files/[redacted]`.
 */
import type { MiddlewareHandler } from 'hono';
import type { FaultKind } from './faults.js';
import { newRequestId } from './ids.js';
import type { AppEnv, EmulatorState } from './state.js';

/** One answered request. */
export interface RequestLogEntry {
  /** `GET`, `POST`, … (`HEAD` for HEAD requests). */
  method: string;
  /** The URL path, e.g. `/v1/videos/video_…/content` (`/files/[redacted]` for download links). */
  path: string;
  /** The query parameters (the first value of each). */
  query: Record<string, string>;
  /** The answer's status (the status sent before the cut, for a `cut` fault). */
  status: number;
  /** The request's `Idempotency-Key`, when it sent one. */
  idempotencyKey?: string;
  /** Time from receiving the request to having the answer ready (latency faults included), in ms. */
  durationMs: number;
  /** When the request arrived, in Unix milliseconds. */
  at: number;
  /** The answer's `x-request-id`. */
  requestId: string;
  /** Which listener answered: the API or the download origin of `url` mode. */
  origin: 'api' | 'files';
  /** The fault injected into this request, if any. */
  fault?: FaultKind;
}

/** The path as it may be logged: a download link's token (a credential) is redacted, valid or not. */
export function loggablePath(path: string): string {
  return path.startsWith('/files/') ? '/files/[redacted]' : path;
}

export class RequestLog {
  /** A ring of `limit` slots: `#next` is where the next entry goes, the oldest once the ring is full. */
  // A ring rather than an array trimmed now and then: a trim copies the whole log, and the copies
  // (and the trimmed entries) pile up as garbage in the long-lived heap.
  #ring: RequestLogEntry[] = [];
  #next = 0;

  /** @param limit How many entries are kept; the oldest are dropped first. */
  constructor(private readonly limit: number) {}

  add(entry: RequestLogEntry): void {
    if (this.limit === 0) return;
    if (this.#ring.length < this.limit) this.#ring.push(entry);
    else this.#ring[this.#next] = entry;
    this.#next = (this.#next + 1) % this.limit;
  }

  /** How many entries are kept now. */
  get size(): number {
    return this.#ring.length;
  }

  /** A copy of the kept entries, oldest first. */
  list(): RequestLogEntry[] {
    if (this.#ring.length < this.limit) return this.#ring.slice();
    return [...this.#ring.slice(this.#next), ...this.#ring.slice(0, this.#next)];
  }

  clear(): void {
    this.#ring = [];
    this.#next = 0;
  }
}

/**
 * The middleware that gives every answer its `x-request-id` and records it in the log (all but the
 * emulator's own `/_emulator/*` requests). It runs first, so that faults, auth failures and validation
 * errors are logged with the status they answered.
 */
export function requestTracking(state: EmulatorState): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const requestId = newRequestId();
    const at = Date.now();
    const started = performance.now();
    c.set('requestId', requestId);
    c.set('statusStyle', 'openai');
    c.set('fault', undefined);
    await next();
    c.res.headers.set('x-request-id', requestId);
    const url = new URL(c.req.url);
    if (url.pathname.startsWith('/_emulator/')) return;
    const idempotencyKey = c.req.header('idempotency-key');
    const fault = c.get('fault');
    const entry: RequestLogEntry = {
      method: c.req.method,
      path: loggablePath(url.pathname),
      query: Object.fromEntries(url.searchParams),
      status: c.res.status,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
      durationMs: Math.round((performance.now() - started) * 1000) / 1000,
      at,
      requestId,
      origin: url.pathname.startsWith('/files/') ? 'files' : 'api',
      ...(fault ? { fault: fault.kind } : {}),
    };
    state.requestLog.add(entry);
    if (state.options.logRequests) {
      state.options.logger.info(
        `${entry.method} ${entry.path} ${entry.status} ${entry.durationMs.toFixed(1)}ms`,
      );
    }
  };
}
