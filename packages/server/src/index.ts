export type { CorsOptions } from './cross-site.js';
export { createSoraHandler, type SoraHandler } from './handler.js';
export type { SoraHandlerOptions, SoraUser } from './options.js';
export type { SoraPolicy } from './policy.js';
export { ROUTES } from './routes.js';
// The new store contract (src/store/job-store.ts), implemented by ./postgres, ./redis and ./sqlite. Its
// `JobStore` replaces the one above when the handler moves to reserve/commit.
export type {
  CommitRecord,
  ReserveLimits,
  ReserveRequest,
  ReserveResult,
} from './store/job-store.js';
export {
  type Awaitable,
  type JobStore,
  type JobUsage,
  memoryStore,
  type OwnedKind,
  type StorePage,
} from './store.js';
export { createWebhookHandler, type WebhookHandlerOptions } from './webhook.js';
