/**
 * Options of the emulator, with their defaults in one place. `EmulatorAppOptions` configures the
 * portable fetch handler (`createEmulatorApp`); `EmulatorOptions` adds what listening in Node needs.
 */
import type { FaultSpec } from './faults.js';

/** How `GET /v1/videos/{id}/content` answers. */
export type ContentMode = 'bytes' | 'url';

/** Where and how `video.completed` / `video.failed` events are delivered. */
export interface WebhookOptions {
  /** The receiver's URL; every event is POSTed there as JSON. */
  url: string;
  /** The signing secret, Standard Webhooks style: `whsec_` followed by base64 bytes. */
  secret: string;
  /** Attempts per event, the first included, before the event is dropped. Default `5`. */
  maxAttempts?: number;
  /** Wait before the first retry in ms, doubled after each failed attempt (at most 30 s). Default `500`. */
  retryDelayMs?: number;
  /** Time limit of one attempt in ms. Default `10000`. */
  timeoutMs?: number;
}

/** Faults active from the start (more can be added at run time through `faults.add` or HTTP). */
export interface FaultOptions {
  /** Faults scheduled at start-up, each used up by its next `times` matching requests. Default none. */
  scheduled?: FaultSpec[];
  /** Latency in ms added to every API and download request. Default `0`. */
  latencyMs?: number;
  /** Report gateway status names (`NOT_START`, `processing`, `COMPLETED`, `FAILED`) in every answer. Default `false`. */
  gatewayStatusNames?: boolean;
}

/** Where the emulator writes its few log lines (delivery failures, unexpected errors, `logRequests`). */
export interface EmulatorLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** Options of the portable app (`createEmulatorApp`); `startEmulator` takes these too. */
export interface EmulatorAppOptions {
  /** Time from create to `completed` in seconds; fractions are fine (`0.2` keeps tests fast). Default `3`. */
  jobSeconds?: number;
  /**
   * The clock jobs are read by (ms since the epoch): a test that moves it on cue (`() => Date.now() + skip`)
   * sees a job run and end on events instead of on timing guesses. Webhooks still go out on real time.
   * Default `Date.now`.
   */
  now?: () => number;
  /** When set, only `Authorization: Bearer <apiKey>` is accepted; else any bearer token is. Default unset. */
  apiKey?: string;
  /** `bytes` (OpenAI: `/content` answers the media) or `url` (gpt.ge: `/content` answers a signed link). Default `bytes`. */
  contentMode?: ContentMode;
  /**
   * Base URL of the download origin that signed links point to, in `url` mode. `startEmulator` sets it
   * to its second listener. Default: the API's own origin (the app then serves `/files/*` itself).
   */
  filesBaseUrl?: string;
  /** Lifetime of a signed download link in seconds (`url` mode). Default `3600`, like the real service. */
  linkTtlSeconds?: number;
  /** Seconds after completion until `expires_at`, when the content stops being downloadable. Default `3600`. */
  contentTtlSeconds?: number;
  /**
   * The `openai-poll-after-ms` header sent with answers about unfinished jobs; `false` leaves it out.
   * Default: a tenth of the job time, between 10 and 1000 ms.
   */
  pollAfterMs?: number | false;
  /** Signed webhook deliveries of `video.completed` / `video.failed`. Default: none are sent. */
  webhook?: WebhookOptions;
  /** Fault injection active from the start. Default: none. */
  faults?: FaultOptions;
  /** How many request-log entries are kept (oldest dropped first). Default `10000`. */
  requestLogLimit?: number;
  /**
   * How many jobs are kept; past it the oldest is dropped (with its media) to make room, and so are the
   * oldest characters, idempotency keys and webhook records past the same count. Default `10000`.
   */
  maxJobs?: number;
  /**
   * The largest JSON body accepted, in bytes, and the budget of a form's text fields; a larger one is a
   * 413 (`request_too_large`). Default `1048576` (1 MiB).
   */
  maxBodyBytes?: number;
  /**
   * The largest uploaded file accepted (a form's `input_reference` or `video`), in bytes; a larger one is
   * a 413 (`file_too_large`) naming the field. A whole form may carry this plus `maxBodyBytes`. The spec
   * states no figure. Default `52428800` (50 MiB).
   */
  maxUploadBytes?: number;
  /** Log one line per request to `logger.info`. Default `false`. */
  logRequests?: boolean;
  /** Where log lines go. Default `console`. */
  logger?: EmulatorLogger;
  /** Drop every log line. Default `false`. */
  quiet?: boolean;
}

/** Options of `startEmulator`: the app's options plus where to listen. */
export interface EmulatorOptions extends EmulatorAppOptions {
  /** TCP port of the API; `0` picks a free one. Default `0`. */
  port?: number;
  /** Interface to listen on. Default `127.0.0.1`. */
  host?: string;
  /** TCP port of the second origin that serves signed download links (`url` mode); `0` picks one. Default `0`. */
  filesPort?: number;
}

/** The app's options with every default applied. */
export interface ResolvedAppOptions {
  jobMs: number;
  now: () => number;
  apiKey: string | undefined;
  contentMode: ContentMode;
  filesBaseUrl: string | undefined;
  linkTtlSeconds: number;
  contentTtlSeconds: number;
  pollAfterMs: number | false;
  webhook: Required<WebhookOptions> | undefined;
  faults: Required<FaultOptions>;
  requestLogLimit: number;
  maxJobs: number;
  maxBodyBytes: number;
  maxUploadBytes: number;
  logRequests: boolean;
  logger: EmulatorLogger;
}

const silent: EmulatorLogger = { info() {}, warn() {}, error() {} };

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0)
    throw new RangeError(`${name} must be a number >= 0, got ${value}`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}

/** Applies the defaults and checks the values a typo would make absurd. */
export function resolveAppOptions(options: EmulatorAppOptions = {}): ResolvedAppOptions {
  const jobSeconds = nonNegative('jobSeconds', options.jobSeconds ?? 3);
  const contentMode = options.contentMode ?? 'bytes';
  if (contentMode !== 'bytes' && contentMode !== 'url') {
    throw new RangeError(`contentMode must be 'bytes' or 'url', got '${String(contentMode)}'`);
  }
  const pollAfterMs =
    options.pollAfterMs === false
      ? false
      : options.pollAfterMs === undefined
        ? Math.min(1000, Math.max(10, Math.round(jobSeconds * 100)))
        : nonNegative('pollAfterMs', options.pollAfterMs);
  const webhook = options.webhook && {
    url: options.webhook.url,
    secret: options.webhook.secret,
    maxAttempts: Math.max(1, options.webhook.maxAttempts ?? 5),
    retryDelayMs: nonNegative('webhook.retryDelayMs', options.webhook.retryDelayMs ?? 500),
    timeoutMs: nonNegative('webhook.timeoutMs', options.webhook.timeoutMs ?? 10_000),
  };
  return {
    jobMs: jobSeconds * 1000,
    now: options.now ?? Date.now,
    apiKey: options.apiKey,
    contentMode,
    filesBaseUrl: options.filesBaseUrl?.replace(/\/+$/, ''),
    linkTtlSeconds: nonNegative('linkTtlSeconds', options.linkTtlSeconds ?? 3600),
    contentTtlSeconds: nonNegative('contentTtlSeconds', options.contentTtlSeconds ?? 3600),
    pollAfterMs,
    webhook,
    faults: {
      scheduled: options.faults?.scheduled ?? [],
      latencyMs: nonNegative('faults.latencyMs', options.faults?.latencyMs ?? 0),
      gatewayStatusNames: options.faults?.gatewayStatusNames ?? false,
    },
    requestLogLimit: Math.floor(nonNegative('requestLogLimit', options.requestLogLimit ?? 10_000)),
    maxJobs: positiveInteger('maxJobs', options.maxJobs ?? 10_000),
    maxBodyBytes: positiveInteger('maxBodyBytes', options.maxBodyBytes ?? 1024 * 1024),
    maxUploadBytes: positiveInteger('maxUploadBytes', options.maxUploadBytes ?? 50 * 1024 * 1024),
    logRequests: options.logRequests ?? false,
    logger: options.quiet ? silent : (options.logger ?? console),
  };
}
