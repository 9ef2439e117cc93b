/**
 * `Idempotency-Key` on POST: the first request with a key makes the job and remembers it; a retry
 * with the same key and the same request gets that job back instead of a second one; the same key
 * with another request is a 409. "The same request" means the same operation and the same decoded
 * body (multipart boundaries differ between retries, so raw bytes cannot be compared). The last
 * `limit` keys are remembered (the emulator keeps as many as it keeps jobs).
 */
import { ApiError } from './errors.js';

interface Entry {
  fingerprint: string;
  resultId: string;
}

export class IdempotencyStore {
  readonly #entries = new Map<string, Entry>();

  /** @param limit How many keys are remembered; the oldest is forgotten first. */
  constructor(private readonly limit: number) {}

  /**
   * The id made by an earlier request with `key`, if there was one; throws the 409 envelope when
   * that request differed from this one.
   */
  replay(key: string, fingerprint: string): string | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (entry.fingerprint !== fingerprint) {
      throw new ApiError(409, 'This Idempotency-Key was already used with a different request.', {
        param: 'Idempotency-Key',
        code: 'idempotency_key_reused',
      });
    }
    return entry.resultId;
  }

  /** Remembers what the request with `key` made. */
  remember(key: string, fingerprint: string, resultId: string): void {
    this.#entries.set(key, { fingerprint, resultId });
    if (this.#entries.size > this.limit) this.#entries.delete(this.#entries.keys().next().value as string);
  }
}
