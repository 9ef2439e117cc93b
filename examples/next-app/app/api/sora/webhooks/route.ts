// `video.completed` / `video.failed` from the API (or the embedded emulator), verified by their signature.
// Marking the job finished frees the user's in-flight slot even when no page is watching the job.
import { createWebhookHandler } from '@sora-kit/server';
import { jobStore } from '@/lib/store';
import { upstream } from '@/lib/upstream';

const { webhookSecret } = await upstream();

export const POST = webhookSecret
  ? createWebhookHandler({
      secret: webhookSecret,
      onEvent: (event) => jobStore().finish(event.data.id),
    })
  : () =>
      Response.json(
        { error: { message: 'Webhooks are not configured: set SORA_WEBHOOK_SECRET.', type: 'not_found' } },
        { status: 404 },
      );
