import { type JobStore, memoryStore } from '@sora-kit/server';

// One store for the API route and the webhook route, so that a webhook marks the job finished where the
// handler counts jobs in flight. On globalThis for the same reason as the upstream: routes are separate
// bundles. (Memory is one process only; the handler warns about it under `next start`.)
const SLOT = Symbol.for('sora-kit.example-next-app.store');
const slot = globalThis as { [SLOT]?: JobStore };

/** Who owns which job, shared by the app's routes. */
export const jobStore = (): JobStore => {
  slot[SLOT] ??= memoryStore();
  return slot[SLOT];
};
