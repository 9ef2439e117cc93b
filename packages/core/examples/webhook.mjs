// A webhook receiver for video.completed / video.failed, as a web-standard `fetch` handler (Cloudflare
// Workers, Deno, Bun, Next.js route handlers). verifyWebhook uses WebCrypto only.
import { createWebhookDeduper, verifyWebhook, WebhookVerificationError } from '@sora-kit/core';

// A signature stays valid for 5 minutes and senders retry until they get a 2xx: the same delivery can
// arrive twice. The deduper runs the handler once per `webhook-id`. Its default store is this process's
// memory; with several instances, give it a shared one (see WebhookDedupeStore: Redis, SQL).
const dedupe = createWebhookDeduper();

async function handle(event) {
  if (event.type === 'video.completed') console.log(`video ${event.data.id} is ready`);
  else console.log(`video ${event.data.id} failed`);
}

export default {
  async fetch(request, env = process.env) {
    let event;
    try {
      event = await verifyWebhook({
        payload: new Uint8Array(await request.arrayBuffer()), // the raw bytes: re-serialised JSON would not verify
        headers: request.headers,
        secret: env.SORA_WEBHOOK_SECRET,
      });
    } catch (error) {
      if (WebhookVerificationError.isInstance(error)) return new Response('bad signature', { status: 400 });
      throw error;
    }
    // 'handled' or 'duplicate': 2xx, the sender stops. 'in-flight' (the same delivery is being handled right
    // now): 409, the sender retries later. A handler that throws answers 500 and is retried too.
    const outcome = await dedupe.run(request.headers.get('webhook-id'), () => handle(event));
    return new Response(outcome, { status: outcome === 'in-flight' ? 409 : 200 });
  },
};
