import type { Me } from '@bulwark/client';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { client, isSignedOut } from './api.js';

/** Where the operator's sign-in stands, as the server says (`GET /api/auth/me`). */
export type SessionState =
  | { stage: 'loading' }
  | { stage: 'signed-out'; notice?: string }
  | { stage: 'second-factor'; email: string }
  | { stage: 'enrolment'; email: string }
  | { stage: 'signed-in'; user: Me['user']; idleTimeoutSeconds: number | undefined };

export const EXPIRED_NOTICE = 'Your session has ended (signed out, idle too long or expired). Sign in again.';

/** Reads the stage from the server: the cookie is HttpOnly, so the server is the only source. */
export async function readSession(): Promise<SessionState> {
  try {
    const me = await client.auth.me();
    if (!me.mfaRequired) {
      return { stage: 'signed-in', user: me.user, idleTimeoutSeconds: me.idleTimeoutSeconds };
    }
    return me.mfaEnrolmentRequired
      ? { stage: 'enrolment', email: me.user.email }
      : { stage: 'second-factor', email: me.user.email };
  } catch (error) {
    if (isSignedOut(error)) return { stage: 'signed-out' };
    throw error;
  }
}

export interface Session {
  state: SessionState;
  /** Asks the server again (after a sign-in step). */
  refresh: () => Promise<void>;
  /** Back to sign-in, with a notice (an expired session) or none (signed out on purpose). */
  signedOut: (notice?: string) => void;
}

export function useSession(): Session {
  const [state, setState] = useState<SessionState>({ stage: 'loading' });
  const refresh = useCallback(async () => {
    try {
      setState(await readSession());
    } catch {
      setState({ stage: 'signed-out', notice: 'The server could not be reached; try again.' });
    }
  }, []);
  useEffect(() => {
    void refresh();
  }, [refresh]);
  const signedOut = useCallback((notice?: string) => {
    setState(notice === undefined ? { stage: 'signed-out' } : { stage: 'signed-out', notice });
  }, []);
  return { state, refresh, signedOut };
}
