/**
 * Webhook deliveries of `video.completed` and `video.failed`, signed the Standard Webhooks way:
 * `webhook-id` (the event id, the same across retries), `webhook-timestamp` (Unix seconds, of this
 * attempt) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">`, keyed with the
 * bytes after `whsec_`. A delivery that fails (network error, timeout, 408, 409, 429 or 5xx) is
 * retried with exponential backoff up to `maxAttempts`; any other 4xx is a refusal, not retried.
 * Web Crypto and fetch only, so it runs wherever the app does.
 */
import { hmacSha256Signer } from './crypto.js';
import { fromBase64, toBase64, utf8Bytes } from './encoding.js';
import type { VideoCompletedEvent, VideoFailedEvent } from './generated/openapi.js';
import { newEventId } from './ids.js';
import type { EmulatorLogger, WebhookOptions } from './options.js';

/** The event types sent. */
export type WebhookEventType = 'video.completed' | 'video.failed';

/** What happened to one event's delivery, for tests (`GET /_emulator/webhooks`). */
export interface WebhookDelivery {
  eventId: string;
  type: WebhookEventType;
  videoId: string;
  /** Attempts made so far. */
  attempts: number;
  state: 'pending' | 'delivered' | 'failed';
  /** The receiver's status on the last attempt, if it answered. */
  lastStatus?: number;
  /** Why the last attempt failed without an answer (network error, timeout). */
  lastError?: string;
}

const MAX_BACKOFF_MS = 30_000;

/** The signing key of a `whsec_…` secret; throws when it is not base64. */
export function webhookKey(secret: string): Uint8Array {
  const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (key.length === 0) throw new RangeError('webhook secret is empty');
  return key;
}

/** The value of `webhook-signature` for one message. */
export async function signWebhook(
  sign: (message: Uint8Array) => Promise<Uint8Array>,
  id: string,
  timestamp: number,
  body: string,
): Promise<string> {
  return `v1,${toBase64(await sign(utf8Bytes(`${id}.${timestamp}.${body}`)))}`;
}

const retryable = (status: number) => status === 408 || status === 409 || status === 429 || status >= 500;

export class WebhookSender {
  readonly #sign: Promise<(message: Uint8Array) => Promise<Uint8Array>>;
  #deliveries: WebhookDelivery[] = [];
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #aborts = new Set<AbortController>();
  #closed = false;

  /**
   * @param options Where and how to deliver.
   * @param logger Where delivery failures are reported.
   * @param limit How many delivery records are kept; the oldest are dropped first (their retries go on).
   */
  constructor(
    private readonly options: Required<WebhookOptions>,
    private readonly logger: EmulatorLogger,
    private readonly limit = 10_000,
  ) {
    this.#sign = hmacSha256Signer(webhookKey(options.secret));
  }

  /** Starts delivering an event about `videoId`; returns at once. */
  send(type: WebhookEventType, videoId: string, createdAtSeconds: number): void {
    if (this.#closed) return;
    const event: VideoCompletedEvent | VideoFailedEvent = {
      id: newEventId(),
      object: 'event',
      created_at: createdAtSeconds,
      type,
      data: { id: videoId },
    } as VideoCompletedEvent | VideoFailedEvent;
    const delivery: WebhookDelivery = { eventId: event.id, type, videoId, attempts: 0, state: 'pending' };
    this.#deliveries.push(delivery);
    // Trimmed in batches so that a full record does not shift the array on every event.
    if (this.#deliveries.length > this.limit * 1.25) this.#deliveries = this.#deliveries.slice(-this.limit);
    void this.#attempt(delivery, JSON.stringify(event));
  }

  /** The last `limit` events and how their delivery went, oldest first. */
  deliveries(): WebhookDelivery[] {
    return this.#deliveries.slice(-this.limit).map((d) => ({ ...d }));
  }

  /** Stops retrying and aborts attempts in flight. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    for (const abort of this.#aborts) abort.abort();
  }

  async #attempt(delivery: WebhookDelivery, body: string): Promise<void> {
    delivery.attempts += 1;
    const timestamp = Math.floor(Date.now() / 1000);
    const abort = new AbortController();
    const timeout = setTimeout(() => abort.abort(new Error('timed out')), this.options.timeoutMs);
    this.#aborts.add(abort);
    let retry = false;
    try {
      const response = await fetch(this.options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'sora-emulator-webhooks',
          'webhook-id': delivery.eventId,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': await signWebhook(await this.#sign, delivery.eventId, timestamp, body),
        },
        body,
        signal: abort.signal,
      });
      await response.body?.cancel();
      delivery.lastStatus = response.status;
      delete delivery.lastError;
      if (response.ok) delivery.state = 'delivered';
      else retry = retryable(response.status);
    } catch (error) {
      delivery.lastError = error instanceof Error ? error.message : String(error);
      retry = true;
    } finally {
      clearTimeout(timeout);
      this.#aborts.delete(abort);
    }
    if (delivery.state === 'delivered' || this.#closed) return;
    if (!retry || delivery.attempts >= this.options.maxAttempts) {
      delivery.state = 'failed';
      this.logger.warn(
        `webhook ${delivery.type} for ${delivery.videoId} not delivered after ${delivery.attempts} attempt(s)` +
          ` (${delivery.lastError ?? `status ${delivery.lastStatus}`})`,
      );
      return;
    }
    const backoff = Math.min(MAX_BACKOFF_MS, this.options.retryDelayMs * 2 ** (delivery.attempts - 1));
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(delivery, body);
    }, backoff);
    this.#timers.add(timer);
  }
}
