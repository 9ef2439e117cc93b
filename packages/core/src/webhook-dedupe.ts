/**
 * What a webhook delivery id is in a {@link WebhookDedupeStore}: being handled now, or handled.
 */
export type DeliveryState = 'pending' | 'done';

/**
 * Where a {@link WebhookDeduper} remembers delivery ids. The memory store serves one process; several
 * instances of a receiver need a shared one, e.g. Redis (`SET key pending NX EX ttl`) or a SQL table
 * (`INSERT … ON CONFLICT DO NOTHING`, expired rows deleted).
 */
export interface WebhookDedupeStore {
  /** Records `id` as `state` unless a live (unexpired) record exists, atomically; true when it recorded. */
  add(id: string, state: DeliveryState, ttlSeconds: number): boolean | Promise<boolean>;
  /** Overwrites the record of `id` (used to mark a handled delivery `done`). */
  set(id: string, state: DeliveryState, ttlSeconds: number): void | Promise<void>;
  /** The live record of `id`, if any. */
  get(id: string): DeliveryState | undefined | Promise<DeliveryState | undefined>;
  /** Forgets `id` (a delivery whose handler failed, so that the sender's retry runs it again). */
  delete(id: string): void | Promise<void>;
}

/** Options of {@link createWebhookDeduper}. */
export interface WebhookDeduperOptions {
  /**
   * How long a handled delivery id is remembered, in seconds. It must cover the replay window of
   * `verifyWebhook` (a signature is accepted for `toleranceSeconds`, 300, either side of now), so a replay
   * the signature check lets through is still recognised. Default: 600.
   */
  ttlSeconds?: number | undefined;
  /** Where ids are kept. Default: {@link memoryDedupeStore} (one process only). */
  store?: WebhookDedupeStore | undefined;
}

/** What {@link WebhookDeduper.run} did with a delivery. */
export type DeliveryOutcome =
  /** The handler ran and resolved: answer 2xx. */
  | 'handled'
  /** The delivery was handled before: answer 2xx without handling it again. */
  | 'duplicate'
  /** The same delivery is being handled right now (a retry that overtook it): answer 409 so the sender retries later. */
  | 'in-flight';

/** Drops replays and duplicates of webhook deliveries, by their `webhook-id`. */
export interface WebhookDeduper {
  /**
   * Runs `handle` once per delivery id: `'duplicate'` without running it when the id was handled before,
   * `'in-flight'` while another call with the id runs. When `handle` throws, the id is forgotten (so the
   * sender's retry runs it again) and the error is rethrown.
   */
  run(id: string, handle: () => unknown): Promise<DeliveryOutcome>;
}

/**
 * A memory store of delivery ids with expiry, bounded to `maxEntries` (oldest dropped first), for one
 * process. Default `maxEntries`: 100 000 (about 10 MB).
 */
export function memoryDedupeStore(maxEntries = 100_000): WebhookDedupeStore {
  // A Map keeps insertion order, so its first keys are the oldest; ids from the wire never touch a prototype.
  const entries = new Map<string, { state: DeliveryState; expires: number }>();
  const live = (id: string) => {
    const entry = entries.get(id);
    if (entry && entry.expires <= Date.now()) entries.delete(id);
    return entry && entry.expires > Date.now() ? entry : undefined;
  };
  const put = (id: string, state: DeliveryState, ttlSeconds: number) => {
    entries.delete(id);
    entries.set(id, { state, expires: Date.now() + ttlSeconds * 1000 });
    for (const oldest of entries.keys()) {
      if (entries.size <= maxEntries) break;
      entries.delete(oldest);
    }
  };
  return {
    add(id, state, ttlSeconds) {
      if (live(id)) return false;
      put(id, state, ttlSeconds);
      return true;
    },
    set: put,
    get: (id) => live(id)?.state,
    delete(id) {
      entries.delete(id);
    },
  };
}

/**
 * Makes a deduper of webhook deliveries. Standard Webhooks senders retry a delivery with the same
 * `webhook-id` until they get a 2xx, and anyone who captured a delivery can replay it inside the
 * signature's time window: both must run your handler only once.
 *
 * @example
 * const dedupe = createWebhookDeduper();
 * const event = await verifyWebhook({ payload, headers, secret });
 * const outcome = await dedupe.run(headers.get('webhook-id')!, () => saveVideo(event));
 * return new Response(null, { status: outcome === 'in-flight' ? 409 : 204 });
 */
export function createWebhookDeduper(options: WebhookDeduperOptions = {}): WebhookDeduper {
  const { ttlSeconds = 600, store = memoryDedupeStore() } = options;
  if (!(Number.isFinite(ttlSeconds) && ttlSeconds > 0)) {
    throw new RangeError(
      `Invalid value for 'ttlSeconds': ${ttlSeconds}. Allowed: a finite number of seconds > 0.`,
    );
  }
  return {
    async run(id, handle) {
      if (typeof id !== 'string' || id === '') throw new TypeError('A webhook delivery id is required');
      if (!(await store.add(id, 'pending', ttlSeconds))) {
        return (await store.get(id)) === 'pending' ? 'in-flight' : 'duplicate';
      }
      try {
        await handle();
      } catch (error) {
        await store.delete(id);
        throw error;
      }
      await store.set(id, 'done', ttlSeconds);
      return 'handled';
    },
  };
}
