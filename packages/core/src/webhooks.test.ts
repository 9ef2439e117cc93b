import { createHmac, randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator } from '@sora-kit/emulator';
import { describe, expect, test, vi } from 'vitest';
import {
  createSoraClient,
  SoraError,
  ValidationError,
  verifyWebhook,
  WebhookVerificationError,
} from './index.js';

const secretBytes = randomBytes(24);
const secret = `whsec_${secretBytes.toString('base64')}`;
const now = 1_760_592_498;
const body = JSON.stringify({
  id: 'evt_1',
  object: 'event',
  created_at: now,
  type: 'video.completed',
  data: { id: 'video_1' },
});
/** Signs like a Standard Webhooks sender (node:crypto, independent of the WebCrypto code under test). */
const sign = (payload: string, id = 'msg_1', timestamp = now, key = secretBytes) =>
  `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
const headersFor = (signature: string, timestamp = now) => ({
  'webhook-id': 'msg_1',
  'webhook-timestamp': String(timestamp),
  'webhook-signature': signature,
});

describe('verifyWebhook', () => {
  test('a valid delivery returns the typed event (plain object or Headers, string or bytes)', async () => {
    const event = await verifyWebhook({ payload: body, headers: headersFor(sign(body)), secret, now });
    expect(event).toMatchObject({ type: 'video.completed', data: { id: 'video_1' } });
    const again = await verifyWebhook({
      payload: new TextEncoder().encode(body),
      headers: new Headers(headersFor(sign(body))),
      secret,
      now,
    });
    expect(again.id).toBe('evt_1');
  });

  test('a tampered body, id or signature is rejected', async () => {
    const cases = [
      { payload: body.replace('video_1', 'video_2'), headers: headersFor(sign(body)) },
      { payload: body, headers: { ...headersFor(sign(body)), 'webhook-id': 'msg_2' } },
      { payload: body, headers: headersFor(sign(body, 'msg_1', now, randomBytes(24))) },
      { payload: body, headers: headersFor('v1,not-base64!!') },
      { payload: body, headers: headersFor(sign(body).replace('v1,', 'v2,')) },
      { payload: body, headers: { 'webhook-id': 'msg_1', 'webhook-timestamp': String(now) } },
    ];
    for (const c of cases) {
      const error = await verifyWebhook({ ...c, secret, now }).catch((e) => e);
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(SoraError.isInstance(error)).toBe(true);
    }
  });

  test('a timestamp more than toleranceSeconds away either way is rejected', async () => {
    for (const timestamp of [now - 301, now + 301]) {
      const headers = headersFor(sign(body, 'msg_1', timestamp), timestamp);
      await expect(verifyWebhook({ payload: body, headers, secret, now })).rejects.toBeInstanceOf(
        WebhookVerificationError,
      );
    }
    const old = now - 3000;
    const headers = headersFor(sign(body, 'msg_1', old), old);
    await expect(
      verifyWebhook({ payload: body, headers, secret, now, toleranceSeconds: 3600 }),
    ).resolves.toBeDefined();
    await expect(verifyWebhook({ payload: body, headers: headersFor(sign(body)), secret })).rejects.toThrow(
      /timestamp/,
    );
  });

  test('several signatures (secret rotation): any one matching is enough', async () => {
    const other = sign(body, 'msg_1', now, randomBytes(24));
    const headers = headersFor(`${other} v1a,xyz ${sign(body)}`);
    await expect(verifyWebhook({ payload: body, headers, secret, now })).resolves.toMatchObject({
      id: 'evt_1',
    });
    const none = headersFor(`${other} ${other}`);
    await expect(verifyWebhook({ payload: body, headers: none, secret, now })).rejects.toThrow(
      /No webhook signature/,
    );
  });

  test('a real delivery from the emulator verifies', async () => {
    const received: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (c) => {
        text += c;
      });
      req.on('end', () => {
        received.push({ headers: req.headers, body: text });
        res.end('ok');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    const emu = await startEmulator({ jobSeconds: 0.2, quiet: true, webhook: { url, secret } });
    try {
      const client = createSoraClient({ apiKey: 'k', baseUrl: emu.url });
      const video = await client.videos.createAndPoll({ prompt: 'a' });
      await expect.poll(() => received.length, { timeout: 5000 }).toBe(1);
      const delivery = received[0]!;
      const event = await verifyWebhook({ payload: delivery.body, headers: delivery.headers, secret });
      expect(event).toMatchObject({ type: 'video.completed', data: { id: video.id } });
      await expect(
        verifyWebhook({ payload: `${delivery.body} `, headers: delivery.headers, secret }),
      ).rejects.toBeInstanceOf(WebhookVerificationError);
    } finally {
      await emu.close();
      receiver.close();
    }
  });
});

describe('verifyWebhook hardening', () => {
  test('a toleranceSeconds that is not a finite number >= 0 throws at once, naming it', async () => {
    for (const toleranceSeconds of [Number.NaN, -1, Number.POSITIVE_INFINITY, '300' as never]) {
      // An old delivery that a switched-off replay window would let through.
      const old = now - 100_000;
      const headers = headersFor(sign(body, 'msg_1', old), old);
      const error = await verifyWebhook({ payload: body, headers, secret, now, toleranceSeconds }).catch(
        (e) => e,
      );
      expect(error).toBeInstanceOf(ValidationError);
      expect(error.field).toBe('toleranceSeconds');
    }
  });

  test('the HMAC is computed once per delivery, whatever the number of candidate signatures', async () => {
    const subtle = globalThis.crypto.subtle;
    const sign_ = vi.spyOn(subtle, 'sign');
    const verify = vi.spyOn(subtle, 'verify');
    try {
      const bogus = Array.from({ length: 9 }, () => `v1,${randomBytes(32).toString('base64')}`);
      const headers = headersFor([...bogus, sign(body)].join(' '));
      await expect(verifyWebhook({ payload: body, headers, secret, now })).resolves.toMatchObject({
        id: 'evt_1',
      });
      expect(sign_.mock.calls.length + verify.mock.calls.length).toBe(1);
    } finally {
      sign_.mockRestore();
      verify.mockRestore();
    }
  });

  test('too many candidate signatures are refused before any HMAC', async () => {
    const subtle = globalThis.crypto.subtle;
    const sign_ = vi.spyOn(subtle, 'sign');
    const verify = vi.spyOn(subtle, 'verify');
    try {
      const bogus = Array.from({ length: 330 }, () => `v1,${randomBytes(32).toString('base64')}`);
      const headers = headersFor([...bogus, sign(body)].join(' '));
      const error = await verifyWebhook({ payload: body, headers, secret, now }).catch((e) => e);
      expect(error).toBeInstanceOf(WebhookVerificationError);
      expect(error.message).toMatch(/signatures/);
      expect(sign_.mock.calls.length + verify.mock.calls.length).toBe(0);
    } finally {
      sign_.mockRestore();
      verify.mockRestore();
    }
  });

  test('a body that is not valid UTF-8 is verified over its bytes', async () => {
    const bytes = Buffer.concat([
      Buffer.from('{"id":"evt_1","x":"'),
      Buffer.from([0xff, 0xfe, 0xc3]),
      Buffer.from('"}'),
    ]);
    const signature = `v1,${createHmac('sha256', secretBytes)
      .update(Buffer.concat([Buffer.from(`msg_1.${now}.`), bytes]))
      .digest('base64')}`;
    const event = await verifyWebhook({
      payload: new Uint8Array(bytes),
      headers: headersFor(signature),
      secret,
      now,
    });
    expect(event.id).toBe('evt_1');
    // The same bytes as an ArrayBuffer; and one byte changed fails.
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length);
    await expect(
      verifyWebhook({ payload: buffer, headers: headersFor(signature), secret, now }),
    ).resolves.toBeDefined();
    const tampered = Buffer.from(bytes);
    tampered[bytes.length - 4] = 0xfd;
    await expect(
      verifyWebhook({ payload: new Uint8Array(tampered), headers: headersFor(signature), secret, now }),
    ).rejects.toBeInstanceOf(WebhookVerificationError);
  });

  test('a secret without the whsec_ prefix is its raw UTF-8 bytes (as openai-node)', async () => {
    for (const plain of ['a plain secret, not base64!', 'abcd1234']) {
      const headers = headersFor(sign(body, 'msg_1', now, Buffer.from(plain, 'utf8')));
      await expect(verifyWebhook({ payload: body, headers, secret: plain, now })).resolves.toMatchObject({
        id: 'evt_1',
      });
    }
  });

  test('a signed body that is not JSON is a WebhookVerificationError, not a SyntaxError', async () => {
    const text = 'not json {';
    const error = await verifyWebhook({ payload: text, headers: headersFor(sign(text)), secret, now }).catch(
      (e) => e,
    );
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error.message).toMatch(/JSON/);
  });
});
