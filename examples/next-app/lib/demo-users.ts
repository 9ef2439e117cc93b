/**
 * The app's stand-in for a sign-in: two demo users, chosen by a cookie. A real app reads its session here.
 * The handler scopes every job to the user `authorize` returns, so each sees only their own videos.
 */
export const DEMO_USERS = ['alice', 'bob'] as const;
export type DemoUser = (typeof DEMO_USERS)[number];

/** The cookie that names the signed-in demo user (httpOnly: the page's scripts never touch it). */
export const USER_COOKIE = 'sora-demo-user';

/** The demo user a cookie value names, or null (unknown values sign no one in). */
export function demoUser(value: string | undefined): DemoUser | null {
  return DEMO_USERS.find((user) => user === value) ?? null;
}
