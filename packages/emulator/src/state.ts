/**
 * What the handlers of one emulator share: its options and stores. One `EmulatorState` per app, so
 * that several emulators can run in one process (parallel test files) without seeing each other.
 */
import type { CharacterStore } from './characters.js';
import type { FaultQueue, FaultSpec } from './faults.js';
import type { IdempotencyStore } from './idempotency.js';
import type { JobStore } from './jobs.js';
import type { LinkSigner } from './links.js';
import type { MediaCache } from './media-cache.js';
import type { ApiOperationId } from './operations.js';
import type { ResolvedAppOptions } from './options.js';
import type { RequestLog } from './request-log.js';
import type { OperationValidators } from './validation.js';
import type { StatusStyle } from './video-view.js';
import type { WebhookSender } from './webhooks.js';

export interface EmulatorState {
  readonly options: ResolvedAppOptions;
  readonly jobs: JobStore;
  readonly characters: CharacterStore;
  readonly media: MediaCache;
  readonly idempotency: IdempotencyStore;
  readonly requestLog: RequestLog;
  readonly faults: FaultQueue;
  readonly links: LinkSigner;
  readonly webhooks: WebhookSender | undefined;
  readonly validators: ReadonlyMap<ApiOperationId, OperationValidators>;
  /** Where signed links point (`url` mode); set by `startEmulator` once its second listener is up. */
  filesBaseUrl: string | undefined;
}

/** Hono's environment type for the emulator's apps: per-request variables set by middleware. */
export interface AppEnv {
  Variables: {
    /** This request's `x-request-id`. */
    requestId: string;
    /** How statuses are spelled in this answer (the `gateway-status` fault switches it). */
    statusStyle: StatusStyle;
    /** The fault applied to this request, for the request log. */
    fault: FaultSpec | undefined;
  };
}
