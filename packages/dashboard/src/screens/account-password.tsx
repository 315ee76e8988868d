import { useState } from 'preact/hooks';
import { client, InputError } from '../api.js';
import { useAction } from '../use-call.js';
import { CurrentPassword } from './current-password.js';
import { ErrorMessage } from './error-message.js';

/**
 * The password change: the current password, the new one twice (masked, named for password
 * managers, paste allowed). The strength policy is the server's: its refusal is shown as its text.
 */
export function AccountPassword({ changed }: { changed: () => void }) {
  const { busy, message, run } = useAction();
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [again, setAgain] = useState('');
  const [done, setDone] = useState(false);
  const submit = (event: Event) => {
    event.preventDefault();
    setDone(false);
    run(async () => {
      // Only that the two match is checked here: a typo would lock the operator out.
      if (next !== again) throw new InputError('The two new passwords differ; type the same one twice.');
      await client.auth.changePassword(current, next);
      setCurrent('');
      setNext('');
      setAgain('');
      setDone(true);
      changed();
    });
  };
  return (
    <section aria-labelledby="password-title">
      <h2 id="password-title">Password</h2>
      <p>
        Changing it ends every other session and token family of yours at once (other browsers and devices must sign in
        again); this session stays signed in. API keys keep working.
      </p>
      <form onSubmit={submit}>
        <CurrentPassword label="Current password" value={current} onInput={setCurrent} />
        <label>
          New password
          <input
            name="new-password"
            type="password"
            autocomplete="new-password"
            required
            value={next}
            onInput={(e) => setNext(e.currentTarget.value)}
          />
        </label>
        <label>
          New password again
          <input
            name="new-password-again"
            type="password"
            autocomplete="new-password"
            required
            value={again}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          Change password
        </button>
      </form>
      {done ? <p role="status">Password changed. Your other sessions have ended.</p> : null}
      <ErrorMessage message={message} />
    </section>
  );
}
