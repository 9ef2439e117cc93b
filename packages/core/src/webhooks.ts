import { ValidationError, WebhookVerificationError } from './errors.js';
import type { VideoCompletedEvent, VideoFailedEvent } from './generated/openapi.js';

/** A verified webhook event. */
export type VideoWebhookEvent = VideoCompletedEvent | VideoFailedEvent;

// (The error class lives with the others, so that it is named like them.)
export { WebhookVerificationError };

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /**
   * The raw request body, exactly as received (not re-serialised JSON). Bytes are verified as they are,
   * even when they are not valid UTF-8.
   */
  payload: string | ArrayBuffer | Uint8Array;
  /** The request's headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /**
   * The endpoint's signing secret: `whsec_<base64>`, or (without the prefix) raw text whose UTF-8 bytes are
   * the key, as openai-node reads it.
   */
  secret: string;
  /** How far `webhook-timestamp` may be from now, either way, in seconds. Default: 300. */
  toleranceSeconds?: number | undefined;
  /** Now, in Unix seconds (for tests). Default: the current time. */
  now?: number | undefined;
}

const header = (headers: VerifyWebhookOptions['headers'], name: string): string | undefined => {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const value = Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];
  return Array.isArray(value) ? value.join(' ') : value;
};

const fromBase64 = (text: string): Uint8Array<ArrayBuffer> =>
  Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

/**
 * The most `v1,` signatures one delivery may carry. A sender lists one per active secret (two during a
 * rotation); hundreds of them are an attack, refused before any work.
 */
const MAX_WEBHOOK_SIGNATURES = 10;

/** Equality of two byte strings in time that depends on their length only, not on where they differ. */
function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false; // the length of an HMAC-SHA256 is no secret
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a[i]! ^ b[i]!;
  return difference === 0;
}

/**
 * The key bytes of a secret, as openai-node reads them: after a `whsec_` prefix, base64; without it, the
 * secret's own UTF-8 bytes.
 */
function secretBytes(secret: unknown): Uint8Array<ArrayBuffer> {
  if (typeof secret !== 'string' || secret === '') {
    throw new ValidationError('secret', secret, "the endpoint's signing secret, whsec_<base64>");
  }
  if (!secret.startsWith('whsec_')) return new TextEncoder().encode(secret);
  try {
    const bytes = fromBase64(secret.slice(6));
    if (bytes.length > 0) return bytes;
  } catch {}
  throw new ValidationError('secret', 'whsec_…', 'whsec_ followed by base64');
}

/** The bytes the sender signed: `${id}.${timestamp}.` and the body exactly as received. */
function signedBytes(id: string, timestamp: string, payload: VerifyWebhookOptions['payload']) {
  if (typeof payload === 'string') return new TextEncoder().encode(`${id}.${timestamp}.${payload}`);
  const body = payload instanceof Uint8Array ? payload : new Uint8Array(payload);
  const head = new TextEncoder().encode(`${id}.${timestamp}.`);
  const signed = new Uint8Array(head.length + body.length);
  signed.set(head);
  signed.set(body, head.length);
  return signed;
}

/**
 * Checks a webhook delivery the Standard Webhooks way and returns its event: an HMAC-SHA256 with the
 * secret over `${webhook-id}.${webhook-timestamp}.${body}` (the body's raw bytes), computed once and
 * compared in constant time with each of the space-separated `v1,<base64>` signatures (several during a
 * secret rotation, at most 10); the timestamp must lie within
 * `toleranceSeconds` of now. Runs wherever WebCrypto does: Node, browsers, Deno, Bun, edge runtimes.
 * It does not remember deliveries: a replay inside the window verifies again, so drop those with
 * `createWebhookDeduper`.
 *
 * @throws ValidationError at once for a `toleranceSeconds` that is not a finite number >= 0, or an empty
 *   or malformed `secret`.
 * @throws WebhookVerificationError when the delivery fails any check, or its signed body is not JSON.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<VideoWebhookEvent> {
  const { payload, headers, secret, toleranceSeconds = 300 } = options;
  // NaN would make every comparison false and switch the replay window off.
  if (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || toleranceSeconds < 0) {
    throw new ValidationError('toleranceSeconds', toleranceSeconds, 'a finite number of seconds >= 0');
  }
  const keyBytes = secretBytes(secret);
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('Missing webhook-id, -timestamp or -signature');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > toleranceSeconds) {
    throw new WebhookVerificationError('Webhook timestamp is missing or too far from now');
  }
  const candidates = signatures.split(' ').filter(Boolean);
  if (candidates.length > MAX_WEBHOOK_SIGNATURES) {
    throw new WebhookVerificationError(
      `Too many webhook signatures (${candidates.length}; at most ${MAX_WEBHOOK_SIGNATURES})`,
    );
  }
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  const expected = new Uint8Array(await crypto.subtle.sign('HMAC', key, signedBytes(id, timestamp, payload)));
  let matched = false;
  for (const candidate of candidates) {
    const [version, value] = candidate.split(',');
    if (version !== 'v1' || !value) continue;
    let bytes: Uint8Array;
    try {
      bytes = fromBase64(value);
    } catch {
      continue;
    }
    // Every candidate is compared, with no early exit, so the time says nothing about which one matched.
    matched = equalBytes(bytes, expected) || matched;
  }
  if (!matched) throw new WebhookVerificationError('No webhook signature matches');
  const text = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  let event: unknown;
  try {
    event = JSON.parse(text);
  } catch {
    throw new WebhookVerificationError('The signed webhook body is not JSON');
  }
  if (typeof event !== 'object' || event === null) {
    throw new WebhookVerificationError('The signed webhook body is not a JSON object');
  }
  return event as VideoWebhookEvent;
}
