import { signInAs } from '@/app/actions';
import { DEMO_USERS, type DemoUser } from '@/lib/demo-users';

/** Two buttons that sign in as a demo user (a server action sets the cookie; works without JavaScript). */
export function UserSwitcher({ current }: { current: DemoUser | null }) {
  return (
    <form action={signInAs} className="switcher" aria-label="Demo user">
      <span>{current ? 'Signed in as' : 'Sign in as'}</span>
      {DEMO_USERS.map((user) => (
        <button key={user} type="submit" name="user" value={user} aria-pressed={user === current}>
          {user}
        </button>
      ))}
    </form>
  );
}
