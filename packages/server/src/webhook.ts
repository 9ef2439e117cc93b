import {
  createWebhookDeduper,
  type VideoWebhookEvent,
  verifyWebhook,
  type WebhookDeduper,
  type WebhookDeduperOptions,
} from '@sora-kit/core';
import { readCapped } from './body.js';
import { errorResponse, HandlerRefusal } from './envelope.js';
import { validId } from './scope-io.js';
import type { StatusHub } from './status/hub.js';

/** Options of {@link createWebhookHandler}. */
export interface WebhookHandlerOptions {
  /** The endpoint's signing secret, `whsec_<base64>`. */
  secret: string;
  /**
   * Handles a verified `video.completed` / `video.failed` event (after `status` and `jobs` are updated). The handler answers 2xx once it resolves
   * and 500 when it throws, so the sender retries (and the retry runs it again). Runs once per delivery.
   */
  onEvent?: ((event: VideoWebhookEvent) => unknown) | undefined;
  /**
   * The status hub the Sora handler reads through (`createSoraHandler({ status })`): a verified event makes
   * the job's shared entry stale at once and wakes its watchers on every instance, so event streams show
   * the end after one upstream read instead of at the next poll. Default: none.
   */
  status?: StatusHub | undefined;
  /**
   * The handler's job store: a verified event marks the job finished in it at once (it stops counting as
   * in flight for the policy). Default: none.
   */
  jobs?: { finish(id: string): unknown } | undefined;
  /**
   * Drops replays and the sender's retries of a delivery already handled (by `webhook-id`): a deduper, or
   * the options of core's `createWebhookDeduper` (e.g. a shared `store` for several instances).
   * Default: `createWebhookDeduper()` (memory, one process).
   */
  dedupe?: WebhookDeduper | WebhookDeduperOptions | undefined;
  /** How far `webhook-timestamp` may be from now, in seconds. Default: 300. */
  toleranceSeconds?: number | undefined;
  /** Milliseconds a delivery's body may take to arrive whole; later it is a 408. Default: 30 000. */
  bodyTimeoutMs?: number | undefined;
  /** Largest delivery body, in bytes. Default: 1 MiB. */
  maxBodyBytes?: number | undefined;
  /** Where failures of `onEvent` are logged. Default: `console`. */
  logger?: Pick<Console, 'error'> | undefined;
}

const isDeduper = (value: unknown): value is WebhookDeduper =>
  typeof (value as WebhookDeduper | undefined)?.run === 'function';

/**
 * Makes a webhook endpoint (a web-standard handler): verifies the Standard Webhooks signature over the raw
 * bytes with core's `verifyWebhook` (400 when it fails), updates `jobs` and `status` and runs `onEvent` once
 * per delivery id (core's
 * deduper; a replay of a handled delivery answers 204 without running it, one being handled right now 409),
 * and answers 204 when `onEvent` resolves, 500 when it throws.
 *
 * @example
 * export const POST = createWebhookHandler({
 *   secret: process.env.SORA_WEBHOOK_SECRET!,
 *   onEvent: async (event) => { if (event.type === 'video.completed') await markDone(event.data.id); },
 * });
 */
export function createWebhookHandler(
  options: WebhookHandlerOptions,
): (request: Request) => Promise<Response> {
  if (typeof options?.secret !== 'string' || options.secret === '')
    throw new TypeError("createWebhookHandler needs 'secret'");
  if (typeof options.onEvent !== 'function' && !options.status && !options.jobs)
    throw new TypeError("createWebhookHandler needs 'onEvent' (or 'status' / 'jobs' to update)");
  const handle = async (event: VideoWebhookEvent) => {
    const id = event.data?.id;
    if (validId(id)) {
      await options.jobs?.finish(id);
      await options.status?.ended(id, event.type);
    }
    await options.onEvent?.(event);
  };
  const dedupe = isDeduper(options.dedupe) ? options.dedupe : createWebhookDeduper(options.dedupe ?? {});
  const logger = options.logger ?? console;
  const limit = options.maxBodyBytes ?? 1024 * 1024;
  return async (request) => {
    if (request.method !== 'POST') {
      return errorResponse(
        405,
        { message: 'Webhooks are POSTed.', type: 'invalid_request_error', code: 'method_not_allowed' },
        { allow: 'POST' },
      );
    }
    let event: VideoWebhookEvent;
    let payload: Uint8Array;
    try {
      payload = await readCapped(request.body, limit, options.bodyTimeoutMs ?? 30_000);
    } catch (error) {
      if (error instanceof HandlerRefusal && error.status === 408) return error.toResponse();
      payload = new Uint8Array(0); // too large or cut: not a validly signed delivery
    }
    try {
      event = await verifyWebhook({
        payload,
        headers: request.headers,
        secret: options.secret,
        toleranceSeconds: options.toleranceSeconds,
      });
    } catch {
      return errorResponse(400, {
        message: 'The webhook delivery is not validly signed.',
        type: 'invalid_request_error',
        code: 'invalid_signature',
      });
    }
    try {
      const outcome = await dedupe.run(request.headers.get('webhook-id')!, () => handle(event));
      if (outcome === 'in-flight') {
        return errorResponse(409, {
          message: 'This delivery is being handled.',
          type: 'invalid_request_error',
          code: 'in_flight',
        });
      }
      return new Response(null, { status: 204 });
    } catch (error) {
      logger.error(
        `@sora-kit/server: the webhook handler failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return errorResponse(500, {
        message: 'The webhook handler failed.',
        type: 'server_error',
        code: 'handler_failed',
      });
    }
  };
}
