import type { BulwarkError } from './errors.js';
import { type ApiRequest, type Attempt, type Credentials, isUnsafe, type Transport } from './transport.js';

/**
 * Browser sessions: the HttpOnly cookie rides along (`credentials: 'include'`) and every unsafe
 * request carries the session's synchronizer token as `X-CSRF-Token`. The token is bound to the
 * cookie, which the server replaces at sign-in, at the second step, at step-up and at privilege
 * changes: the client forgets it after each of its own such calls, and a 403 `AUTH_CSRF` (the
 * session changed elsewhere, another tab signed in) fetches a fresh one and tries once more.
 * The refused request did nothing: the check runs before any route.
 */
export class CookieCredentials implements Credentials {
  readonly fetchCredentials = 'include' as const;
  /** undefined: not known yet; null: no session to have one (a guest). */
  private csrfToken: string | null | undefined;
  private pending: Promise<string | null> | null = null;

  async prepare(request: ApiRequest, transport: Transport): Promise<Attempt> {
    if (!isUnsafe(request.method) || request.authority === 'none') return { headers: {} };
    const token = await this.tokenFor(transport);
    return { headers: token ? { 'x-csrf-token': token } : {} };
  }

  async recover(error: BulwarkError, request: ApiRequest, attempt: Attempt): Promise<boolean> {
    const sentToken = attempt.headers['x-csrf-token'];
    if (error.code === 'AUTH_CSRF' && request.authority !== 'none') {
      // A cross-origin refusal has the same code; a second attempt fails the same way, harmlessly.
      if ((this.csrfToken ?? undefined) === sentToken) this.forget();
      return true;
    }
    // The cookie is gone (expired, signed out elsewhere): so is its token.
    if (error.status === 401 && request.authority !== 'none') this.forget();
    return false;
  }

  /** The session cookie changed (or ended): the next unsafe request fetches a new token. */
  forget(): void {
    this.csrfToken = undefined;
  }

  /** One fetch of the token shared by every request that needs it at the same time. */
  private async tokenFor(transport: Transport): Promise<string | null> {
    if (this.csrfToken !== undefined) return this.csrfToken;
    this.pending ??= this.fetchToken(transport).finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async fetchToken(transport: Transport): Promise<string | null> {
    try {
      const { token } = await transport.send<{ token: string }>({ method: 'GET', path: '/api/auth/csrf' }, {});
      this.csrfToken = token;
    } catch (error) {
      // 401: no session. The request goes out as a guest's, which needs no token.
      if ((error as BulwarkError).status !== 401) throw error;
      this.csrfToken = null;
    }
    return this.csrfToken;
  }
}
