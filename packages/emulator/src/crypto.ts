/**
 * The two digests the emulator needs, on Web Crypto (`crypto.subtle`) so that webhook signing, signed
 * download links, ETags and idempotency fingerprints work the same in Node and in edge runtimes.
 */

/** Web Crypto wants a BufferSource backed by a plain ArrayBuffer; a Uint8Array view over one qualifies. */
function source(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer ? (bytes as Uint8Array<ArrayBuffer>) : new Uint8Array(bytes);
}

/** SHA-256 of some bytes. */
export async function sha256(bytes: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', source(bytes)));
}

/** An HMAC-SHA256 signer for one key; the imported key is reused across messages. */
export async function hmacSha256Signer(
  key: Uint8Array,
): Promise<(message: Uint8Array) => Promise<Uint8Array>> {
  const cryptoKey = await crypto.subtle.importKey(
    'raw',
    source(key),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign'],
  );
  return async (message) => new Uint8Array(await crypto.subtle.sign('HMAC', cryptoKey, source(message)));
}

/** Compares two byte strings in time independent of where they differ (for signatures). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
  return diff === 0;
}
