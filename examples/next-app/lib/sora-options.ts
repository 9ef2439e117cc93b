import type { SoraHandlerOptions } from '@sora-kit/server';
import { cookies } from 'next/headers';
import { demoUser, USER_COOKIE } from './demo-users';
import { POLICY } from './policy';
import { storage } from './store';
import { upstream } from './upstream';

/** The signed-in demo user, from the cookie the user switcher sets; null is a 401. */
async function authorize() {
  const user = demoUser((await cookies()).get(USER_COOKIE)?.value);
  return user ? { userId: user } : null;
}

/**
 * The options of the app's `@sora-kit/server` handler: the upstream API, the demo sign-in, the policy, and
 * the job store in the app's database (so a restart or a second instance keeps every user's videos).
 */
export async function soraOptions(): Promise<SoraHandlerOptions> {
  const [{ baseUrl, apiKey }, { jobs }] = await Promise.all([upstream(), storage()]);
  return { baseUrl, apiKey, authorize, policy: POLICY, store: jobs };
}
