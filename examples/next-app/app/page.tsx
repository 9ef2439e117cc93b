import { cookies } from 'next/headers';
import { Studio } from '@/components/studio';
import { UserSwitcher } from '@/components/user-switcher';
import { demoUser, USER_COOKIE } from '@/lib/demo-users';
import { FORM_CHOICES } from '@/lib/policy';

export default async function Home() {
  const user = demoUser((await cookies()).get(USER_COOKIE)?.value);
  return (
    <main>
      <header className="top">
        <h1>Sora studio</h1>
        <UserSwitcher current={user} />
      </header>
      {/* A new user gets a fresh client (and so fresh caches): nothing of the previous user stays on screen. */}
      {user ? (
        <Studio key={user} user={user} choices={FORM_CHOICES} />
      ) : (
        <p className="hint">Choose a demo user to start. Each one sees only their own videos.</p>
      )}
    </main>
  );
}
