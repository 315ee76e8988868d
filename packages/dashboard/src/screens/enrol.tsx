import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction, useLoad } from '../use-call.js';
import { ErrorMessage } from './error-message.js';
import { PasskeyButton } from './passkey-button.js';
import { TotpCodeField, TotpSecret } from './totp-secret.js';

interface Props {
  email: string;
  onStep: () => Promise<void>;
  onCancel: () => void;
}

/**
 * The forced enrolment of an administrator without a second factor: the secret and the otpauth
 * URL as text (typed or pasted into an authenticator app), a first code to confirm, then the
 * recovery codes, shown once.
 */
export function Enrol({ email, onStep, onCancel }: Props) {
  const setup = useLoad(() => client.mfa.setupTotp(), []);
  const { busy, message, run } = useAction(true);
  const [code, setCode] = useState('');
  const [recoveryCodes, setRecoveryCodes] = useState<string[] | null>(null);

  if (recoveryCodes) {
    return (
      <main class="card" aria-labelledby="codes-title">
        <h1 id="codes-title">Keep your recovery codes</h1>
        <p>Each code signs you in once if you lose your authenticator. They are shown only now.</p>
        <ul class="codes">
          {recoveryCodes.map((item) => (
            <li key={item}>
              <code>{item}</code>
            </li>
          ))}
        </ul>
        <button type="button" onClick={() => run(onStep)} disabled={busy}>
          I have saved them: continue
        </button>
        <ErrorMessage message={message} />
      </main>
    );
  }

  const submit = (event: Event) => {
    event.preventDefault();
    run(async () => {
      const confirmed = await client.mfa.confirmTotp(code.trim());
      setRecoveryCodes(confirmed.recoveryCodes);
    });
  };
  // A passkey is a second factor too; as the account's first, the server gives recovery codes.
  const registerPasskey = () =>
    run(async () => {
      const registered = await client.passkeys.register('Dashboard');
      if (registered.recoveryCodes) setRecoveryCodes(registered.recoveryCodes);
      else await onStep();
    });
  return (
    <main class="card" aria-labelledby="enrol-title">
      <h1 id="enrol-title">Set up your authenticator</h1>
      <p>
        Administrators need a second factor. <strong>{email}</strong> has none yet: add this account to an authenticator
        app, then enter the code it shows, or register a passkey.
      </p>
      <TotpSecret setup={setup.loaded} />
      <form onSubmit={submit}>
        <TotpCodeField code={code} setCode={setCode} />
        <button type="submit" disabled={busy || setup.loaded.status !== 'ready'}>
          Confirm
        </button>
        <PasskeyButton label="Register a passkey instead" busy={busy} onClick={registerPasskey} />
        <button type="button" class="secondary" onClick={onCancel}>
          Use another account
        </button>
      </form>
      <ErrorMessage message={message} />
    </main>
  );
}
