/**
 * Signed, expiring download links of `url` content mode (the gpt.ge way): `/content` answers a link on
 * a second origin that needs no API key. The token is `<payload>.<signature>`, both base64url; the
 * payload names the video, the variant and the expiry (Unix seconds); the signature is an HMAC-SHA256
 * with a secret drawn when the emulator starts, so links die with the emulator as they should.
 */
import { hmacSha256Signer, timingSafeEqual } from './crypto.js';
import { fromBase64, randomBytes, toBase64Url, utf8Bytes } from './encoding.js';
import type { VideoContentVariant } from './generated/openapi.js';

/** What a valid link grants. */
export interface LinkGrant {
  videoId: string;
  variant: VideoContentVariant;
  /** Unix seconds after which the link is refused. */
  expiresAt: number;
}

/** Why a link is refused. */
export type LinkRefusal = 'malformed' | 'bad-signature' | 'expired';

export class LinkSigner {
  readonly #sign: Promise<(message: Uint8Array) => Promise<Uint8Array>>;

  constructor(
    secret: Uint8Array = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {
    this.#sign = hmacSha256Signer(secret);
  }

  /** A token granting `grant`. */
  async sign(grant: LinkGrant): Promise<string> {
    const payload = toBase64Url(utf8Bytes(JSON.stringify([grant.videoId, grant.variant, grant.expiresAt])));
    const signature = await (await this.#sign)(utf8Bytes(payload));
    return `${payload}.${toBase64Url(signature)}`;
  }

  /** The grant of a token, or why it is refused. */
  async verify(token: string): Promise<LinkGrant | LinkRefusal> {
    const [payload, signature, extra] = token.split('.');
    if (!payload || !signature || extra !== undefined) return 'malformed';
    let given: Uint8Array;
    let fields: unknown;
    try {
      given = fromBase64(signature);
      fields = JSON.parse(new TextDecoder().decode(fromBase64(payload)));
    } catch {
      return 'malformed';
    }
    const expected = await (await this.#sign)(utf8Bytes(payload));
    if (!timingSafeEqual(given, expected)) return 'bad-signature';
    const [videoId, variant, expiresAt] = fields as [string, VideoContentVariant, number];
    if (this.now() / 1000 >= expiresAt) return 'expired';
    return { videoId, variant, expiresAt };
  }
}
