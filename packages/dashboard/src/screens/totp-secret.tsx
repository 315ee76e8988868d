import type { Loaded } from '../use-call.js';
import { ErrorMessage } from './error-message.js';

/**
 * A new authenticator secret, as text: typed into the app, or its otpauth URL pasted. Shared by
 * the forced enrolment at sign-in (enrol.tsx) and the account screen (account-totp-setup.tsx).
 */
export function TotpSecret({ setup }: { setup: Loaded<{ secret: string; otpauthUrl: string }> }) {
  if (setup.status === 'loading') return <p role="status">Preparing a secret…</p>;
  if (setup.status === 'failed') return <ErrorMessage message={setup.message} />;
  return (
    <dl class="secret">
      <dt>Secret (type it in)</dt>
      <dd>
        <code data-testid="totp-secret">{setup.data.secret}</code>
      </dd>
      <dt>otpauth URL (paste it in)</dt>
      <dd>
        <code>{setup.data.otpauthUrl}</code>
      </dd>
    </dl>
  );
}

/** The first code from the app, which confirms the secret was added. */
export function TotpCodeField({ code, setCode }: { code: string; setCode: (code: string) => void }) {
  return (
    <label>
      Code from the app
      <input
        name="code"
        inputMode="numeric"
        autocomplete="one-time-code"
        required
        value={code}
        onInput={(e) => setCode(e.currentTarget.value)}
      />
    </label>
  );
}
