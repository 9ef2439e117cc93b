import { SoraError } from './errors.js';
import type { VideoCompletedEvent, VideoFailedEvent } from './generated/openapi.js';

/** A verified webhook event. */
export type VideoWebhookEvent = VideoCompletedEvent | VideoFailedEvent;

/** The delivery was not signed by the holder of the secret, or is too old or malformed. */
export class WebhookVerificationError extends SoraError {}
WebhookVerificationError.prototype.name = 'WebhookVerificationError';

/** Options of {@link verifyWebhook}. */
export interface VerifyWebhookOptions {
  /** The raw request body, exactly as received (not re-serialised JSON). */
  payload: string | ArrayBuffer | Uint8Array;
  /** The request's headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`). */
  headers: Headers | Record<string, string | string[] | undefined>;
  /** The endpoint's signing secret, `whsec_<base64>`. */
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
 * Checks a webhook delivery the Standard Webhooks way and returns its event: an HMAC-SHA256 with the
 * secret over `${webhook-id}.${webhook-timestamp}.${body}`, matched against any of the space-separated
 * `v1,<base64>` signatures (several during a secret rotation) by WebCrypto's `verify`, which compares in
 * constant time; the timestamp must lie within `toleranceSeconds` of now. Runs wherever WebCrypto does:
 * Node, browsers, Deno, Bun, edge runtimes.
 *
 * @throws WebhookVerificationError when any check fails.
 */
export async function verifyWebhook(options: VerifyWebhookOptions): Promise<VideoWebhookEvent> {
  const { payload, headers, secret, toleranceSeconds = 300 } = options;
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures)
    throw new WebhookVerificationError('Missing webhook-id, -timestamp or -signature');
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (!/^\d+$/.test(timestamp) || Math.abs(now - Number(timestamp)) > toleranceSeconds) {
    throw new WebhookVerificationError('Webhook timestamp is missing or too far from now');
  }
  let key: CryptoKey;
  try {
    key = await crypto.subtle.importKey(
      'raw',
      fromBase64(secret.replace(/^whsec_/, '')),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
  } catch {
    throw new WebhookVerificationError('The webhook secret is not valid base64');
  }
  const body = typeof payload === 'string' ? payload : new TextDecoder().decode(payload);
  const signed = new TextEncoder().encode(`${id}.${timestamp}.${body}`);
  for (const signature of signatures.split(' ')) {
    const [version, value] = signature.split(',');
    if (version !== 'v1' || !value) continue;
    let bytes: Uint8Array<ArrayBuffer>;
    try {
      bytes = fromBase64(value);
    } catch {
      continue;
    }
    if (await crypto.subtle.verify('HMAC', key, bytes, signed)) return JSON.parse(body) as VideoWebhookEvent;
  }
  throw new WebhookVerificationError('No webhook signature matches');
}
