/**
 * @sora-kit/emulator/portable: the emulator as a portable fetch handler, with nothing Node-only in its
 * imports, for edge runtimes (Cloudflare Workers, Vercel Edge, Deno, Bun, service workers). The
 * package's main entry adds `startEmulator`, which listens with `node:http`.
 *
 * @example
 * // A Cloudflare Worker. Create the app on the first request: workers allow random values (the
 * // link-signing secret) only while handling one.
 * import { createEmulatorApp, type EmulatorApp } from '@sora-kit/emulator/portable';
 *
 * let app: EmulatorApp | undefined;
 * export default {
 *   fetch(request: Request) {
 *     app ??= createEmulatorApp({ jobSeconds: 2 });
 *     return app.fetch(request);
 *   },
 * };
 */
export { createEmulatorApp, type EmulatorApp, type FaultControls } from './app.js';
export { FAULT_HEADER } from './fault-injection.js';
export { FAULT_KINDS, type FaultKind, type FaultSpec, type ScheduledFault } from './faults.js';
export { MODERATED_WORDS, MODERATION_MARKER } from './moderation.js';
export type {
  ContentMode,
  EmulatorAppOptions,
  EmulatorLogger,
  FaultOptions,
  WebhookOptions,
} from './options.js';
export type { RequestLogEntry } from './request-log.js';
export { GATEWAY_STATUS_NAMES } from './video-view.js';
export type { WebhookDelivery, WebhookEventType } from './webhooks.js';
