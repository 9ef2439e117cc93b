export type { CorsOptions } from './cross-site.js';
export { createSoraHandler, type SoraHandler } from './handler.js';
export type { SoraHandlerOptions, SoraUser, StreamOptions } from './options.js';
export type { SoraPolicy } from './policy.js';
export { ROUTES } from './routes.js';
export {
  type AskUpstream,
  createStatusHub,
  type StatusHub,
  type StatusHubOptions,
  type StatusRead,
} from './status/hub.js';
export { memoryStatusStore } from './status/memory.js';
export type { StatusEntry, StatusSample, StatusStore } from './status/status-store.js';
export type {
  Awaitable,
  CommitRecord,
  JobStore,
  OwnedKind,
  ReserveLimits,
  ReserveRequest,
  ReserveResult,
  StorePage,
} from './store/job-store.js';
export { memoryStore } from './store/memory.js';
export { createWebhookHandler, type WebhookHandlerOptions } from './webhook.js';
