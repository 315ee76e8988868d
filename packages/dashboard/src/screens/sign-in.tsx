import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { useAction } from '../use-call.js';
import { CurrentPassword } from './current-password.js';
import { ErrorMessage } from './error-message.js';
import { PasskeyButton } from './passkey-button.js';

interface Props {
  notice?: string | undefined;
  /** Called after a step the server accepted: the app asks the server where the sign-in stands. */
  onStep: () => Promise<void>;
}

/** Email and password. Paste and password managers are welcome: nothing blocks them. */
export function SignIn({ notice, onStep }: Props) {
  const { busy, message, run } = useAction(true);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    run(async () => {
      await client.auth.signIn({ email, password });
      setPassword('');
      await onStep();
    });
  };
  // The browser offers the passkeys it holds for this server; one with user verification is a
  // whole sign-in, so no second step follows.
  const withPasskey = () =>
    run(async () => {
      await client.passkeys.signIn();
      await onStep();
    });
  return (
    <main class="card" aria-labelledby="sign-in-title">
      <h1 id="sign-in-title">Sign in to Bulwark</h1>
      {notice ? (
        <p class="notice" role="status">
          {notice}
        </p>
      ) : null}
      <form onSubmit={submit}>
        <label>
          Email
          <input
            name="email"
            type="email"
            autocomplete="username"
            required
            value={email}
            onInput={(e) => setEmail(e.currentTarget.value)}
          />
        </label>
        <CurrentPassword label="Password" value={password} onInput={setPassword} />
        <button type="submit" disabled={busy}>
          Sign in
        </button>
        <PasskeyButton label="Sign in with a passkey" busy={busy} onClick={withPasskey} />
      </form>
      <ErrorMessage message={message} />
    </main>
  );
}

/** The second step: a code from the authenticator app, one of the recovery codes, or a passkey. */
export function SecondFactor({
  email,
  onStep,
  onCancel,
}: {
  email: string;
  onStep: () => Promise<void>;
  onCancel: () => void;
}) {
  const { busy, message, run } = useAction(true);
  const [code, setCode] = useState('');
  const submit = (event: Event) => {
    event.preventDefault();
    run(async () => {
      await client.auth.verifySecondFactor(code.trim());
      await onStep();
    });
  };
  const withPasskey = () =>
    run(async () => {
      await client.passkeys.verifySecondFactor();
      await onStep();
    });
  return (
    <main class="card" aria-labelledby="second-title">
      <h1 id="second-title">Second step</h1>
      <p>
        Signing in as <strong>{email}</strong>. Enter the 6-digit code from your authenticator app, or one of your
        recovery codes.
      </p>
      <form onSubmit={submit}>
        <label>
          Code
          <input
            name="code"
            autocomplete="one-time-code"
            required
            value={code}
            onInput={(e) => setCode(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Verify
        </button>
        <PasskeyButton label="Use a passkey" busy={busy} onClick={withPasskey} />
        <button type="button" class="secondary" onClick={onCancel}>
          Use another account
        </button>
      </form>
      <ErrorMessage message={message} />
    </main>
  );
}
