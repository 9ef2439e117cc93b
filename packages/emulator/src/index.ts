/**
 * @sora-kit/emulator: a faithful local server of the OpenAI-compatible `/v1/videos` (Sora 2) API, for
 * offline development and tests.
 *
 * - `startEmulator(options)` runs it on Node listeners (what tests use).
 * - `createEmulatorApp(options)` is the same emulator as a portable fetch handler.
 * - The `sora-emulator` bin runs it from a terminal.
 */
export { createEmulatorApp, type EmulatorApp, type FaultControls } from './app.js';
export { FAULT_HEADER } from './fault-injection.js';
export { FAULT_KINDS, type FaultKind, type FaultSpec, type ScheduledFault } from './faults.js';
export { MODERATED_WORDS, MODERATION_MARKER } from './moderation.js';
export { type RunningEmulator, startEmulator } from './node-server.js';
export type {
  ContentMode,
  EmulatorAppOptions,
  EmulatorLogger,
  EmulatorOptions,
  FaultOptions,
  WebhookOptions,
} from './options.js';
export type { RequestLogEntry } from './request-log.js';
export { GATEWAY_STATUS_NAMES } from './video-view.js';
export type { WebhookDelivery, WebhookEventType } from './webhooks.js';
