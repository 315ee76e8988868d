import { isBulwarkError, type StepUpProof } from '@bulwark/client';
import type { ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { client, describe, isSignedOut } from '../api.js';
import { EXPIRED_NOTICE } from '../session.js';
import { SignedOutContext, StepUpContext } from '../use-call.js';
import { CurrentPassword } from './current-password.js';
import { ErrorMessage } from './error-message.js';

/** A 401 that means a wrong password or code, not an ended sign-in: shown, and tried again. */
const WRONG_PROOF = new Set(['AUTH_INVALID_CREDENTIALS', 'AUTH_INVALID_CODE']);

interface Asked {
  needs: readonly StepUpProof[];
  resolve: (done: boolean) => void;
}

/** Gives every `useAction` below it the step-up dialog, shown when the server asks for one. */
export function StepUpHost({ children }: { children: ComponentChildren }) {
  const [asked, setAsked] = useState<Asked | null>(null);
  const ask = useCallback(
    (needs: readonly StepUpProof[]) =>
      new Promise<boolean>((resolve) => {
        setAsked((previous) => {
          // One dialog at a time: an earlier request still open counts as cancelled.
          previous?.resolve(false);
          return { needs, resolve };
        });
      }),
    [],
  );
  const done = (ok: boolean) => {
    asked?.resolve(ok);
    setAsked(null);
  };
  return (
    <StepUpContext.Provider value={ask}>
      {children}
      {asked ? <StepUpDialog needs={asked.needs} done={done} /> : null}
    </StepUpContext.Provider>
  );
}

/**
 * Asks for what the server named (`stepUpWith`): the password, a code, or both, and sends it to
 * `POST /api/auth/reauth`. A refusal shows the server's message and lets the operator try again.
 */
function StepUpDialog({ needs, done }: { needs: readonly StepUpProof[]; done: (ok: boolean) => void }) {
  const expired = useContext(SignedOutContext);
  const ref = useRef<HTMLDialogElement>(null);
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const wantsPassword = needs.includes('password');
  const wantsCode = needs.includes('code');
  useEffect(() => ref.current?.showModal(), []);

  const submit = (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setMessage(null);
    client.auth
      .reauthenticate({ ...(wantsPassword ? { password } : {}), ...(wantsCode ? { code: code.trim() } : {}) })
      .then(
        () => done(true),
        (error: unknown) => {
          setBusy(false);
          if (isSignedOut(error) && !(isBulwarkError(error) && WRONG_PROOF.has(error.code))) {
            done(false);
            expired(EXPIRED_NOTICE);
          } else setMessage(describe(error));
        },
      );
  };
  const what = wantsPassword && wantsCode ? 'your password and a code' : wantsCode ? 'a code' : 'your password';
  return (
    <dialog
      ref={ref}
      class="step-up"
      aria-labelledby="step-up-title"
      onCancel={(event) => {
        event.preventDefault();
        done(false);
      }}
    >
      <h2 id="step-up-title">Confirm it is you</h2>
      {needs.length === 0 ? (
        <p>This action needs a recent sign-in. Sign out and sign in again, then repeat it.</p>
      ) : (
        <p>This action needs a recent sign-in. Enter {what}; the action then runs.</p>
      )}
      <form onSubmit={submit}>
        {wantsPassword ? <CurrentPassword label="Your password" value={password} onInput={setPassword} /> : null}
        {wantsCode ? (
          <label>
            Code from your authenticator app, or a recovery code
            <input
              name="code"
              autocomplete="one-time-code"
              required
              value={code}
              onInput={(e) => setCode(e.currentTarget.value)}
            />
          </label>
        ) : null}
        <ErrorMessage message={message} />
        <div class="dialog-actions">
          <button type="button" class="secondary" onClick={() => done(false)}>
            Cancel
          </button>
          {needs.length > 0 ? (
            <button type="submit" disabled={busy}>
              Confirm and continue
            </button>
          ) : null}
        </div>
      </form>
    </dialog>
  );
}
