import type { Me } from '@bulwark/client';
import { linkTo, useRoute } from '../router.js';
import { Account } from './account.js';
import { ApiKeys } from './api-keys.js';
import { Audit } from './audit.js';
import { Bans } from './bans.js';
import { Collections } from './collections.js';
import { IdleNotice } from './idle-notice.js';
import { Metrics } from './metrics.js';
import { Records } from './records.js';
import { Schema } from './schema.js';
import { Security, SecurityPanel } from './security.js';
import { Users } from './users.js';
import { WebhookDeliveries } from './webhook-deliveries.js';
import { Webhooks } from './webhooks.js';

interface Props {
  user: Me['user'];
  /** The server's idle timeout of this browser session. */
  idleTimeoutSeconds: number | undefined;
  onSignOut: () => void;
}

const SECTIONS = [
  { route: '', label: 'Collections' },
  { route: 'schema', label: 'Schema' },
  { route: 'users', label: 'Users' },
  { route: 'keys', label: 'API keys' },
  { route: 'audit', label: 'Audit log' },
  { route: 'bans', label: 'Bans' },
  { route: 'security', label: 'Security' },
  { route: 'webhooks', label: 'Webhooks' },
  { route: 'metrics', label: 'Metrics' },
  { route: 'account', label: 'Account' },
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
      <Screen section={section ?? ''} name={name} />
    </div>
  );
}

/** The screen of a route: `section/name`, e.g. `collections/posts` or `webhooks/<id>`. */
function Screen({ section, name }: { section: string; name: string | undefined }) {
  switch (section) {
    case 'schema':
      return <Schema name={name} />;
    case 'users':
      return <Users />;
    case 'keys':
      return <ApiKeys />;
    case 'audit':
      return <Audit />;
    case 'bans':
      return <Bans />;
    case 'security':
      return <Security />;
    case 'webhooks':
      return name ? <WebhookDeliveries id={name} /> : <Webhooks />;
    case 'metrics':
      return <Metrics />;
    case 'account':
      return <Account />;
    case 'collections':
      if (name) return <Records name={name} />;
      break;
  }
  // The landing screen: where security stands, then the collections.
  return (
    <>
      {section === '' ? <SecurityPanel /> : null}
      <Collections />
    </>
  );
}
