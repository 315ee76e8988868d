import { client } from '../api.js';
import { localTime } from '../local-time.js';
import { useLoad } from '../use-call.js';
import { AccountFactors } from './account-factors.js';
import { AccountPasskeys } from './account-passkeys.js';
import { AccountPassword } from './account-password.js';
import { AccountSessions } from './account-sessions.js';
import { Status } from './status.js';

/**
 * The signed-in operator's own account: who they are and when this sign-in ends, the password,
 * their sessions and their second factors. Everything through the same API any user has.
 */
export function Account() {
  const me = useLoad(() => client.auth.me(), []);
  const sessions = useLoad(() => client.auth.listSessions(), []);
  // Shared: adding or removing a passkey changes the factor summary too.
  const factors = useLoad(() => client.mfa.status(), []);
  const current = sessions.loaded.status === 'ready' ? sessions.loaded.data.find((item) => item.current) : undefined;
  return (
    <main aria-labelledby="account-title">
      <h1 id="account-title">Account</h1>
      <Status loaded={me.loaded} />
      {me.loaded.status === 'ready' ? (
        <dl class="secret">
          <dt>Email</dt>
          <dd data-testid="account-email">{me.loaded.data.user.email}</dd>
          <dt>Role</dt>
          <dd>{me.loaded.data.user.role}</dd>
          <dt>This sign-in ends</dt>
          <dd>{current ? `${localTime(current.expires)} at the latest` : '…'}</dd>
        </dl>
      ) : null}
      <AccountPassword changed={sessions.reload} />
      <AccountSessions sessions={sessions} />
      <AccountFactors status={factors} />
      <AccountPasskeys changed={factors.reload} />
    </main>
  );
}
