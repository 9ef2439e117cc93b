'use server';
import { cookies } from 'next/headers';
import { demoUser, USER_COOKIE } from '@/lib/demo-users';

/** The user switcher's action: signs in as one of the demo users (a real app has its own sign-in). */
export async function signInAs(form: FormData): Promise<void> {
  const user = demoUser(String(form.get('user')));
  if (!user) return;
  (await cookies()).set(USER_COOKIE, user, { httpOnly: true, sameSite: 'lax', path: '/' });
}
