import type {
  Experimental_VideoModelV4 as VideoModelV4,
  Experimental_VideoModelV4OperationWebhook as VideoModelV4OperationWebhook,
} from '@ai-sdk/provider';
import { verifyWebhook } from '@sora-kit/core';

type WebhookFactory = Parameters<NonNullable<VideoModelV4['handleWebhookOption']>>[0]['webhook'];
type Delivery = VideoModelV4OperationWebhook;

/** Marks the webhook URL the AI SDK hands back to `doStart`, so that a start finds its own waiter. */
const TOKEN = '#sora-kit-webhook=';

/** A promise with its settle functions outside. */
interface Waiter {
  resolve(id: string): void;
  reject(error: unknown): void;
}

/**
 * The AI SDK's webhook option for Sora, where a webhook is not a field of the request: the gateway sends
 * its Standard Webhooks events (`video.completed`, `video.failed`) to an endpoint configured on the
 * gateway's side, for every job. So the `url` the user's factory gives is not sent anywhere; what matters
 * is its `received` promise, and which job a delivery is about:
 *
 * 1. `register` (from `handleWebhookOption`, before the start) gets a delivery promise from the factory and
 *    returns a URL carrying a token; the AI SDK passes that URL to `doStart`.
 * 2. `doStart` finds the wait by that token (`claim`) and settles it with the new job's id, or with its
 *    final error. (A start whose retries all failed retryably leaves one small entry here: the AI SDK has
 *    no hook that says it gave up.)
 * 3. The returned `received` waits for a delivery that core's `verifyWebhook` accepts (signature with the
 *    secret, timestamp within 300 s) and whose event names this job. A delivery about another job, or one
 *    that fails verification (forged, replayed, signed with another secret), is passed over, and the
 *    factory is called again for the next delivery. A forged event can therefore never end the wait.
 */
export function createWebhookRegistry(secret: () => string) {
  const waiters = new Map<string, Waiter>();

  async function waitForJob(
    first: PromiseLike<Delivery>,
    jobId: Promise<string>,
    webhook: WebhookFactory,
    key: string,
  ): Promise<Delivery> {
    let next = first;
    for (;;) {
      const delivery = await next;
      const event = await verifyWebhook({
        payload: typeof delivery.body === 'string' ? delivery.body : JSON.stringify(delivery.body),
        headers: delivery.headers,
        secret: key,
      }).catch(() => undefined);
      if (event && event.data?.id === (await jobId)) return delivery;
      next = (await webhook()).received;
    }
  }

  return {
    /** Sets up the wait for one job; returns the URL for `doStart` and the promise the AI SDK awaits. */
    async register(webhook: WebhookFactory) {
      const key = secret(); // throws before any endpoint is made when no secret is configured
      const { url, received } = await webhook();
      const token = crypto.randomUUID();
      const jobId = new Promise<string>((resolve, reject) => {
        waiters.set(token, { resolve, reject });
      });
      jobId.catch(() => {}); // a failed start is reported by doStart itself
      return {
        webhookUrl: `${url.split('#')[0]}${TOKEN}${token}`,
        received: waitForJob(received, jobId, webhook, key),
      };
    },
    /**
     * The wait a `doStart` belongs to, by the webhook URL it got: `ours` when this registry made the URL,
     * and the waiter while the wait is open. It stays open across the AI SDK's retries of the start, until
     * `settle` closes it with the job's id or a final error.
     */
    claim(webhookUrl: string | undefined): { ours: boolean; settle?: Waiter } {
      const token = webhookUrl?.split(TOKEN)[1];
      const waiter = token === undefined ? undefined : waiters.get(token);
      if (token === undefined || !waiter) return { ours: token !== undefined };
      return {
        ours: true,
        settle: {
          resolve(id) {
            waiters.delete(token);
            waiter.resolve(id);
          },
          reject(error) {
            waiters.delete(token);
            waiter.reject(error);
          },
        },
      };
    },
  };
}

/** The registry's type. */
export type WebhookRegistry = ReturnType<typeof createWebhookRegistry>;
