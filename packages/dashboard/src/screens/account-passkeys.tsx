import type { PasskeyInfo } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { localTime } from '../local-time.js';
import { useAction, useLoad } from '../use-call.js';
import { askOnce, useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { passkeysSupported } from './passkey-button.js';
import { RecoveryCodes } from './recovery-codes.js';
import { Status } from './status.js';

/**
 * My passkeys (name, created, last used), with add and remove. A removal is confirmed naming the
 * passkey; the server refuses one that would leave an administrator without a second factor.
 */
export function AccountPasskeys({ changed }: { changed: () => void }) {
  const passkeys = useLoad(() => client.passkeys.list(), []);
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const [name, setName] = useState('');
  const [codes, setCodes] = useState<string[] | null>(null);

  const add = (event: Event) => {
    event.preventDefault();
    run(async () => {
      const registered = await client.passkeys.register(name.trim() || undefined);
      // The account's first factor: the server gives recovery codes with it.
      if (registered.recoveryCodes) setCodes(registered.recoveryCodes);
      setName('');
      passkeys.reload();
      changed();
    });
  };
  const remove = (passkey: PasskeyInfo) => {
    const confirmed = askOnce(() =>
      confirm({
        title: `Remove the passkey “${passkey.name}”?`,
        consequence: `“${passkey.name}” stops signing you in or confirming it is you, at once. The credential stays on its device but the server no longer accepts it.`,
        action: 'Remove passkey',
      }),
    );
    run(async () => {
      if (!(await confirmed())) return;
      await client.passkeys.remove(passkey.id);
      passkeys.reload();
      changed();
    });
  };

  return (
    <section aria-labelledby="passkeys-title">
      <h2 id="passkeys-title">Passkeys</h2>
      <Status loaded={passkeys.loaded} />
      {passkeys.loaded.status === 'ready' ? (
        passkeys.loaded.data.length === 0 ? (
          <p>No passkeys.</p>
        ) : (
          <div class="table-wrap">
            <table>
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Remove</th>
                </tr>
              </thead>
              <tbody>
                {passkeys.loaded.data.map((passkey) => (
                  <tr key={passkey.id}>
                    <td>{passkey.name}</td>
                    <td>{localTime(passkey.created)}</td>
                    <td>{passkey.lastUsed ? localTime(passkey.lastUsed) : 'never'}</td>
                    <td>
                      <button
                        type="button"
                        class="danger"
                        disabled={busy}
                        aria-label={`Remove the passkey ${passkey.name}`}
                        onClick={() => remove(passkey)}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      {passkeysSupported() ? (
        <form class="toolbar" onSubmit={add}>
          <label>
            Passkey name
            <input name="passkey-name" maxLength={64} value={name} onInput={(e) => setName(e.currentTarget.value)} />
          </label>
          <button type="submit" disabled={busy}>
            Add a passkey
          </button>
        </form>
      ) : (
        <p>This browser cannot use passkeys here (WebAuthn needs a secure context).</p>
      )}
      {codes ? <RecoveryCodes codes={codes} saved={() => setCodes(null)} /> : null}
      <ErrorMessage message={message} />
      {dialog}
    </section>
  );
}
