import { createSoraHandler, type SoraHandler } from './handler.js';
import type { SoraHandlerOptions } from './options.js';

/** The route handlers of a Next.js App Router catch-all route. */
export interface NextRouteHandlers {
  GET: SoraHandler;
  POST: SoraHandler;
  DELETE: SoraHandler;
  /** Answers CORS preflights (only when `cors` lists origins; otherwise a 405 like every other method). */
  OPTIONS: SoraHandler;
}

/**
 * The handler as Next.js App Router route handlers, for `app/api/sora/[...path]/route.ts`:
 *
 * @example
 * import { nextHandlers } from '@sora-kit/server/next';
 * export const { GET, POST, DELETE } = nextHandlers({ authorize: async () => ({ userId: await currentUserId() }) });
 */
export function nextHandlers(options: SoraHandlerOptions): NextRouteHandlers {
  const handler = createSoraHandler(options);
  // Next.js passes (request, context): only the request matters, the route table is the handler's own.
  const route: SoraHandler = (request) => handler(request);
  return { GET: route, POST: route, DELETE: route, OPTIONS: route };
}
