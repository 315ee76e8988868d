import type { Me } from '@bulwark/client';
import { linkTo, useRoute } from '../router.js';
import { ApiKeys } from './api-keys.js';
import { Collections } from './collections.js';
import { IdleNotice } from './idle-notice.js';
import { Records } from './records.js';
import { Users } from './users.js';

interface Props {
  user: Me['user'];
  /** The server's idle timeout of this browser session. */
  idleTimeoutSeconds: number | undefined;
  onSignOut: () => void;
}

const SECTIONS = [
  { route: '', label: 'Collections' },
  { route: 'users', label: 'Users' },
  { route: 'keys', label: 'API keys' },
] as const;

/** Navigation, who is signed in, sign-out and the idle timeout on every screen; the route's screen below. */
export function Shell({ user, idleTimeoutSeconds, onSignOut }: Props) {
  const route = useRoute();
  if (user.role !== 'admin') {
    return (
      <main class="card">
        <h1>Administrators only</h1>
        <p>
          <strong>{user.email}</strong> is not an administrator. Sign in with an administrator's account.
        </p>
        <button type="button" onClick={onSignOut}>
          Sign out
        </button>
      </main>
    );
  }
  const [section, name] = route.split('/');
  return (
    <div class="shell">
      <header>
        <a class="brand" {...linkTo('')}>
          Bulwark
        </a>
        <nav aria-label="Sections">
          {SECTIONS.map((item) => (
            <a key={item.route} {...linkTo(item.route)} aria-current={section === item.route ? 'page' : undefined}>
              {item.label}
            </a>
          ))}
        </nav>
        <div class="who">
          <span data-testid="signed-in-email">{user.email}</span>
          {idleTimeoutSeconds ? <IdleNotice idleTimeoutSeconds={idleTimeoutSeconds} /> : null}
          <button type="button" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      {section === 'keys' ? (
        <ApiKeys />
      ) : section === 'users' ? (
        <Users />
      ) : section === 'collections' && name ? (
        <Records name={name} />
      ) : (
        <Collections />
      )}
    </div>
  );
}
