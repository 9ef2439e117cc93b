// Every call of the page's `@sora-kit/core` client (`/api/sora/v1/videos…`) lands here. The handler adds the
// key the browser never sees, answers only the signed-in user's jobs and applies the policy.
import { nextHandlers } from '@sora-kit/server/next';
import { soraOptions } from '@/lib/sora-options';

export const { GET, POST, DELETE } = nextHandlers(await soraOptions());
