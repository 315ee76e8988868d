import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction, useLoad } from '../use-call.js';
import { ErrorMessage } from './error-message.js';
import { TotpCodeField, TotpSecret } from './totp-secret.js';

/**
 * Adds an authenticator app to an account that has none: the secret and otpauth URL as text, a
 * first code to confirm. The forced enrolment (enrol.tsx) is a whole sign-in step; this sits
 * inside the account screen. Confirming makes new recovery codes (the server replaces the old).
 */
export function AccountTotpSetup({ done }: { done: (recoveryCodes: string[]) => void }) {
  const setup = useLoad(() => client.mfa.setupTotp(), []);
  const { busy, message, run } = useAction();
  const [code, setCode] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    run(async () => done((await client.mfa.confirmTotp(code.trim())).recoveryCodes));
  };
  return (
    <div class="card">
      <h3>Set up an authenticator app</h3>
      <p>
        Add this account to an authenticator app, then enter the code it shows. Confirming also replaces your recovery
        codes: the old ones stop working and the new ones are shown once.
      </p>
      <TotpSecret setup={setup.loaded} />
      <form onSubmit={submit}>
        <TotpCodeField code={code} setCode={setCode} />
        <button type="submit" disabled={busy || setup.loaded.status !== 'ready'}>
          Confirm
        </button>
        <button type="button" class="secondary" onClick={() => done([])}>
          Cancel
        </button>
      </form>
      <ErrorMessage message={message} />
    </div>
  );
}
