// `video.completed` / `video.failed` from the API (or the embedded emulator), verified by their signature.
// Marking the job finished frees the user's in-flight slot even when no page is watching the job.
import { createWebhookHandler } from '@sora-kit/server';
import { storage } from '@/lib/store';
import { upstream } from '@/lib/upstream';

type Handler = (request: Request) => Promise<Response>;

const notConfigured: Handler = async () =>
  Response.json(
    {
      error: {
        message: 'Webhooks are not configured: set SORA_WEBHOOK_SECRET.',
        type: 'invalid_request_error',
      },
    },
    { status: 404 },
  );

// Made at the first delivery, like the API route's handlers (the secret may be the embedded emulator's).
let handler: Promise<Handler> | undefined;

export async function POST(request: Request): Promise<Response> {
  handler ??= Promise.all([upstream(), storage()])
    .then(([{ webhookSecret }, { jobs, dedupe }]) =>
      webhookSecret
        ? createWebhookHandler({
            secret: webhookSecret,
            onEvent: (event) => jobs.finish(event.data.id),
            // Deliveries remembered in the database: a retry after a restart is still a duplicate.
            dedupe: { store: dedupe },
          })
        : notConfigured,
    )
    .catch((error: unknown) => {
      handler = undefined; // the next delivery tries again
      throw error;
    });
  return (await handler)(request);
}
