import { isBulwarkError, type StepUpProof } from '@bulwark/client';
import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useRef, useState } from 'preact/hooks';
import { describe, isSignedOut } from './api.js';
import { EXPIRED_NOTICE } from './session.js';

/** Sends the operator back to sign-in; given by the app to every screen. */
export const SignedOutContext = createContext<(notice?: string) => void>(() => {});

/**
 * Opens the step-up dialog asking for what the server named; true once the server accepted it,
 * false when the operator cancelled. Given by `StepUpHost` (screens/step-up.tsx).
 */
export const StepUpContext = createContext<(needs: readonly StepUpProof[]) => Promise<boolean>>(async () => false);

export const STEP_UP_CANCELLED = 'Cancelled: nothing was changed. The action needs you to confirm it is you.';

/** Thrown inside `run` when the operator cancels the step-up: shown as its message, nothing else. */
class StepUpCancelled extends Error {}

export type Loaded<T> = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: T };

const sameDeps = (a: readonly unknown[] | undefined, b: readonly unknown[]) =>
  a !== undefined && a.length === b.length && a.every((value, index) => Object.is(value, b[index]));

/**
 * Loads data for a screen through the client. A call refused because the sign-in is over sends
 * the operator to sign-in with a notice; any other failure is shown as the server's message.
 * `reload` keeps what is shown until the fresh data arrives: a screen reloading after an action
 * neither flickers nor loses what the action's form shows (its outcome, the focus); new `deps`
 * (another record, another page) show "Loading…" instead of the old data.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { loaded: Loaded<T>; reload: () => void } {
  const expired = useContext(SignedOutContext);
  const [loaded, setLoaded] = useState<Loaded<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const loadedFor = useRef<readonly unknown[] | undefined>(undefined);
  useEffect(() => {
    let current = true;
    const refreshing = sameDeps(loadedFor.current, deps);
    loadedFor.current = deps;
    if (!refreshing) setLoaded({ status: 'loading' });
    load().then(
      (data) => current && setLoaded({ status: 'ready', data }),
      (error: unknown) => {
        if (!current) return;
        if (isSignedOut(error)) expired(EXPIRED_NOTICE);
        else setLoaded({ status: 'failed', message: describe(error) });
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, round]);
  const reload = useCallback(() => setRound((value) => value + 1), []);
  return { loaded, reload };
}

/**
 * Runs an action (a form's submit); its failure message, or null. Expired sessions go to
 * sign-in, except on the sign-in screens themselves (`signingIn`), where a 401 is a wrong password.
 * An action refused for want of a recent step-up opens the step-up dialog and, once the server
 * accepts it, runs once more; cancelled, it leaves everything as it was and says so.
 */
export function useAction(signingIn = false): {
  busy: boolean;
  message: string | null;
  run: (action: () => Promise<void>) => void;
} {
  const expired = useContext(SignedOutContext);
  const stepUp = useContext(StepUpContext);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const run = useCallback(
    (action: () => Promise<void>) => {
      setBusy(true);
      setMessage(null);
      action()
        .catch(async (error: unknown) => {
          if (signingIn || !isBulwarkError(error) || error.code !== 'AUTH_STEP_UP_REQUIRED') throw error;
          if (!(await stepUp(error.stepUpWith ?? ['password']))) throw new StepUpCancelled();
          // Once only: a second refusal is shown as it is, never a loop of dialogs.
          await action();
        })
        .then(
          () => setBusy(false),
          (error: unknown) => {
            setBusy(false);
            if (error instanceof StepUpCancelled) setMessage(STEP_UP_CANCELLED);
            else if (!signingIn && isSignedOut(error)) expired(EXPIRED_NOTICE);
            else setMessage(describe(error));
          },
        );
    },
    [expired, signingIn, stepUp],
  );
  return { busy, message, run };
}
