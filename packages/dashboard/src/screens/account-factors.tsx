import type { FactorSummary } from '@bulwark/client';
import { useState } from 'preact/hooks';
import { client } from '../api.js';
import { type Loaded, useAction } from '../use-call.js';
import { AccountTotpSetup } from './account-totp-setup.js';
import { askOnce, useConfirm } from './confirm.js';
import { ErrorMessage } from './error-message.js';
import { RecoveryCodes } from './recovery-codes.js';
import { Status } from './status.js';

/**
 * The authenticator app (on or off) and the recovery codes. Whether a factor may go is the
 * server's rule (an administrator keeps one): its refusal is shown as its text.
 */
export function AccountFactors({ status }: { status: { loaded: Loaded<FactorSummary>; reload: () => void } }) {
  const { busy, message, run } = useAction();
  const { confirm, dialog } = useConfirm();
  const [codes, setCodes] = useState<string[] | null>(null);
  const [settingUp, setSettingUp] = useState(false);

  const act = (ask: () => Promise<boolean>, go: () => Promise<void>) => {
    const confirmed = askOnce(ask);
    run(async () => {
      if (!(await confirmed())) return;
      await go();
      status.reload();
    });
  };
  const removeTotp = () =>
    act(
      () =>
        confirm({
          title: 'Remove your authenticator app?',
          consequence:
            'Its codes stop signing you in or confirming it is you, at once. Without another second factor, your recovery codes go with it.',
          action: 'Remove authenticator app',
        }),
      () => client.mfa.removeTotp(),
    );
  const regenerate = () =>
    act(
      async () => {
        const left = (await client.mfa.status()).recoveryCodesLeft;
        return confirm({
          title: 'Replace your recovery codes?',
          consequence: `Your ${left} remaining recovery code${left === 1 ? '' : 's'} stop working at once. The new ones are shown only once: save them.`,
          action: 'Replace recovery codes',
        });
      },
      async () => setCodes((await client.mfa.regenerateRecoveryCodes()).recoveryCodes),
    );

  return (
    <section aria-labelledby="factors-title">
      <h2 id="factors-title">Second factors</h2>
      <Status loaded={status.loaded} />
      {status.loaded.status === 'ready' ? (
        <>
          <p data-testid="factor-summary">
            Authenticator app: <strong>{status.loaded.data.totp ? 'on' : 'off'}</strong>. Passkeys:{' '}
            {status.loaded.data.passkeys}. Recovery codes left: {status.loaded.data.recoveryCodesLeft}.
            {status.loaded.data.required ? ' Your account must keep a second factor.' : ''}
          </p>
          <p>
            {status.loaded.data.totp ? (
              <button type="button" class="danger" disabled={busy} onClick={removeTotp}>
                Remove authenticator app
              </button>
            ) : (
              <button type="button" disabled={busy || settingUp} onClick={() => setSettingUp(true)}>
                Set up an authenticator app
              </button>
            )}
            {status.loaded.data.enrolled ? (
              <button type="button" class="danger" disabled={busy} onClick={regenerate}>
                Replace recovery codes
              </button>
            ) : null}
          </p>
        </>
      ) : null}
      {settingUp ? (
        <AccountTotpSetup
          done={(recoveryCodes) => {
            setSettingUp(false);
            if (recoveryCodes.length > 0) setCodes(recoveryCodes);
            status.reload();
          }}
        />
      ) : null}
      {codes ? <RecoveryCodes codes={codes} saved={() => setCodes(null)} /> : null}
      <ErrorMessage message={message} />
      {dialog}
    </section>
  );
}
