export type { CorsOptions } from './cross-site.js';
export { createSoraHandler, type SoraHandler } from './handler.js';
export type { SoraHandlerOptions, SoraUser } from './options.js';
export type { SoraPolicy } from './policy.js';
export { ROUTES } from './routes.js';
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
