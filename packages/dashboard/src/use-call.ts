import { createContext } from 'preact';
import { useCallback, useContext, useEffect, useState } from 'preact/hooks';
import { describe, isSignedOut } from './api.js';
import { EXPIRED_NOTICE } from './session.js';

/** Sends the operator back to sign-in; given by the app to every screen. */
export const SignedOutContext = createContext<(notice?: string) => void>(() => {});

export type Loaded<T> = { status: 'loading' } | { status: 'failed'; message: string } | { status: 'ready'; data: T };

/**
 * Loads data for a screen through the client. A call refused because the sign-in is over sends
 * the operator to sign-in with a notice; any other failure is shown as the server's message.
 */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { loaded: Loaded<T>; reload: () => void } {
  const expired = useContext(SignedOutContext);
  const [loaded, setLoaded] = useState<Loaded<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  useEffect(() => {
    let current = true;
    setLoaded({ status: 'loading' });
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
 */
export function useAction(signingIn = false): {
  busy: boolean;
  message: string | null;
  run: (action: () => Promise<void>) => void;
} {
  const expired = useContext(SignedOutContext);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const run = useCallback(
    (action: () => Promise<void>) => {
      setBusy(true);
      setMessage(null);
      action().then(
        () => setBusy(false),
        (error: unknown) => {
          setBusy(false);
          if (!signingIn && isSignedOut(error)) expired(EXPIRED_NOTICE);
          else setMessage(describe(error));
        },
      );
    },
    [expired, signingIn],
  );
  return { busy, message, run };
}
