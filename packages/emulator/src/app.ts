/**
 * The emulator as a portable fetch handler (Hono): no Node-only API, so it can run in an edge runtime
 * or behind any server. `startEmulator` (node-server.ts) puts it on a Node listener.
 */
import { Hono } from 'hono';
import { cors } from 'hono/cors';
import { bearerAuth } from './auth.js';
import { requestBodyLimit } from './body-limit.js';
import { CharacterStore } from './characters.js';
import { ApiError } from './errors.js';
import { faultInjection } from './fault-injection.js';
import { FaultQueue, type FaultSpec, type ScheduledFault } from './faults.js';
import type { Video } from './generated/openapi.js';
import { IdempotencyStore } from './idempotency.js';
import { JobStore } from './jobs.js';
import { LinkSigner } from './links.js';
import { MediaCache } from './media-cache.js';
import { apiOperations } from './operations.js';
import { type EmulatorAppOptions, resolveAppOptions } from './options.js';
import { RequestLog, type RequestLogEntry, requestTracking } from './request-log.js';
import { characterHandlers } from './routes/characters.js';
import { contentHandlers } from './routes/content.js';
import { derivedHandlers } from './routes/derived.js';
import { emulatorRoutes } from './routes/emulator.js';
import { mountFiles } from './routes/files.js';
import type { OperationHandlers } from './routes/http.js';
import { videoHandlers } from './routes/videos.js';
import type { AppEnv, EmulatorState } from './state.js';
import { specValidators } from './validation.js';
import { toVideo } from './video-view.js';
import { type WebhookDelivery, WebhookSender } from './webhooks.js';

/** Scheduling faults at run time (the same as `POST/GET/DELETE /_emulator/faults`). */
export interface FaultControls {
  /** Schedules faults, each for its next `times` (default 1) matching requests; answers them as scheduled. */
  add(...faults: FaultSpec[]): ScheduledFault[];
  /** The faults still pending. */
  list(): ScheduledFault[];
  /** Removes every scheduled fault. */
  clear(): void;
}

/** The emulator as fetch handlers plus its controls. */
export interface EmulatorApp {
  /** The API's fetch handler (also serves `/files/*` while `filesBaseUrl` is unset). */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** The download origin's fetch handler, for a second listener in `url` mode. */
  filesFetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** The API's Hono app, to mount elsewhere or to add routes. */
  readonly app: Hono<AppEnv>;
  /** Where signed links point; unset means the API's own origin. */
  filesBaseUrl: string | undefined;
  /** A copy of the request log, oldest first. */
  requests(): RequestLogEntry[];
  /** Empties the request log. */
  clearRequests(): void;
  /** Fault scheduling. */
  readonly faults: FaultControls;
  /** Every webhook event so far and how its delivery went (empty without `webhook`). */
  webhookDeliveries(): WebhookDelivery[];
  /** Every live job as the API would show it now, oldest first. */
  videos(): Video[];
  /** Stops the job timers and webhook retries; the handlers keep answering. */
  close(): void;
}

const corsMiddleware = cors({
  origin: '*',
  allowHeaders: ['authorization', 'content-type', 'idempotency-key', 'range', 'if-range', 'x-emulator-fault'],
  exposeHeaders: [
    'x-request-id',
    'openai-poll-after-ms',
    'retry-after',
    'retry-after-ms',
    'x-should-retry',
    'etag',
    'content-range',
    'content-length',
    'accept-ranges',
    'idempotent-replayed',
  ],
});

function errorHandler(state: EmulatorState) {
  return (error: Error) => {
    if (error instanceof ApiError) return error.toResponse();
    state.options.logger.error(`sora-emulator: unexpected error: ${error.stack ?? error.message}`);
    return new ApiError(500, 'The server had an error while processing your request.', {
      code: 'internal_error',
    }).toResponse();
  };
}

const invalidUrl = (c: { req: { method: string; path: string } }) =>
  new ApiError(404, `Invalid URL (${c.req.method} ${c.req.path})`, { code: 'unknown_url' }).toResponse();

/** Builds the emulator's fetch handlers. Compiles the spec's validators once, here. */
export function createEmulatorApp(options: EmulatorAppOptions = {}): EmulatorApp {
  const resolved = resolveAppOptions(options);
  const webhooks = resolved.webhook && new WebhookSender(resolved.webhook, resolved.logger, resolved.maxJobs);
  const media = new MediaCache();
  const jobs = new JobStore({
    jobMs: resolved.jobMs,
    now: resolved.now,
    contentTtlSeconds: resolved.contentTtlSeconds,
    maxJobs: resolved.maxJobs,
    onMediaGone: (jobId) => media.forget(jobId),
    onSettled:
      webhooks &&
      ((job, settled) =>
        webhooks.send(
          // Seen at the instant it ended, a job with no content TTL is already expired: it completed.
          settled.status === 'failed' ? 'video.failed' : 'video.completed',
          job.id,
          Math.floor(Date.now() / 1000),
        )),
  });
  const faults = new FaultQueue();
  faults.addAll(resolved.faults.scheduled);
  const state: EmulatorState = {
    options: resolved,
    jobs,
    characters: new CharacterStore(resolved.maxJobs),
    media,
    idempotency: new IdempotencyStore(resolved.maxJobs),
    requestLog: new RequestLog(resolved.requestLogLimit),
    faults,
    links: new LinkSigner(),
    webhooks,
    validators: specValidators(),
    filesBaseUrl: resolved.filesBaseUrl,
  };

  const handlers = {
    ...videoHandlers(state),
    ...contentHandlers(state),
    ...derivedHandlers(state),
    ...characterHandlers(state),
  } satisfies OperationHandlers;

  const api = new Hono<AppEnv>();
  api.onError(errorHandler(state));
  api.notFound(invalidUrl);
  api.use('*', corsMiddleware, requestTracking(state));
  // Bodies are limited after auth: a client without a key learns nothing but the 401.
  const bodyLimit = requestBodyLimit(state);
  // Only POSTs read a body (a body sent with another method is never read, so never held).
  api.on('POST', '/_emulator/*', bodyLimit);
  api.route('/_emulator', emulatorRoutes(state));
  api.use('/v1/*', faultInjection(state), bearerAuth(state));
  api.on('POST', '/v1/*', bodyLimit);
  for (const operation of apiOperations.values()) {
    api.on(operation.method.toUpperCase(), operation.routePath, handlers[operation.id]);
  }
  // Without a separate download origin, links point here and this app serves them.
  api.use('/files/*', faultInjection(state));
  mountFiles(api, state, () => state.filesBaseUrl === undefined);

  const files = new Hono<AppEnv>();
  files.onError(errorHandler(state));
  files.notFound(invalidUrl);
  files.use('*', corsMiddleware, requestTracking(state));
  files.use('/files/*', faultInjection(state));
  mountFiles(files, state, () => true);

  return {
    fetch: (request, env) => api.fetch(request, env),
    filesFetch: (request, env) => files.fetch(request, env),
    app: api,
    get filesBaseUrl() {
      return state.filesBaseUrl;
    },
    set filesBaseUrl(url) {
      state.filesBaseUrl = url?.replace(/\/+$/, '');
    },
    requests: () => state.requestLog.list(),
    clearRequests: () => state.requestLog.clear(),
    faults: {
      add: (...specs) => faults.add(...specs),
      list: () => faults.list(),
      clear: () => faults.clear(),
    },
    webhookDeliveries: () => webhooks?.deliveries() ?? [],
    videos: () =>
      (jobs.list({ limit: Number.MAX_SAFE_INTEGER, order: 'asc' })?.data ?? []).map((job) =>
        toVideo(job, jobs.state(job), resolved.contentTtlSeconds, 'openai'),
      ),
    close() {
      jobs.close();
      webhooks?.close();
    },
  };
}
