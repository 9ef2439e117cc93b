// Every call of the page's `@sora-kit/core` client (`/api/sora/v1/videos…`) lands here. The handler adds the
// key the browser never sees, answers only the signed-in user's jobs and applies the policy.
import { type NextRouteHandlers, nextHandlers } from '@sora-kit/server/next';
import { soraOptions } from '@/lib/sora-options';

// Made at the first request, not at import: Next also imports route modules in processes that serve
// nothing (`next build`, the dev server's workers), and those must not start the embedded emulator.
let handlers: Promise<NextRouteHandlers> | undefined;
const handle = (method: 'GET' | 'POST' | 'DELETE') => async (request: Request) => {
  handlers ??= soraOptions()
    .then(nextHandlers)
    .catch((error: unknown) => {
      handlers = undefined; // the next request tries again
      throw error;
    });
  return (await handlers)[method](request);
};

export const GET = handle('GET');
export const POST = handle('POST');
export const DELETE = handle('DELETE');
