// A webhook receiver for video.completed / video.failed, as a web-standard `fetch` handler (Cloudflare
// Workers, Deno, Bun, Next.js route handlers). verifyWebhook uses WebCrypto only.
import { verifyWebhook, WebhookVerificationError } from '@sora-kit/core';

export default {
  async fetch(request, env = process.env) {
    let event;
    try {
      event = await verifyWebhook({
        payload: await request.text(), // the raw body: re-serialised JSON would not verify
        headers: request.headers,
        secret: env.SORA_WEBHOOK_SECRET,
      });
    } catch (error) {
      if (WebhookVerificationError.isInstance(error)) return new Response('bad signature', { status: 400 });
      throw error;
    }
    if (event.type === 'video.completed') console.log(`video ${event.data.id} is ready`);
    else console.log(`video ${event.data.id} failed`);
    return new Response(null, { status: 204 });
  },
};
