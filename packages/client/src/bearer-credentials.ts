import { BulwarkError, clientError } from './errors.js';
import type { ApiRequest, Attempt, Credentials, Transport } from './transport.js';

/** A bearer sign-in as the client keeps it. Persist it with `onTokens` if it must outlive the page. */
export interface BearerTokens {
  accessToken: string;
  /** Absent while a sign-in still owes its second step: such a sign-in cannot be refreshed. */
  refreshToken?: string;
  /** When the access token expires, in ms since the epoch (from `expiresIn`). */
  expiresAtMs?: number;
}

/** What the server sends from `/api/auth/token`, `/api/auth/refresh` and the second step. */
export interface TokenResponse {
  accessToken: string;
  refreshToken?: string;
  expiresIn: number;
}

/** Why the tokens changed: a sign-in step, a rotation, or the end of the sign-in. */
export type TokenChange = 'signed-in' | 'refreshed' | 'signed-out';

/**
 * Refresh this long before the access token's expiry, so that a request does not leave with a
 * token that expires on its way (clock skew between client and server is usually seconds).
 */
const EARLY_REFRESH_MS = 10_000;

/**
 * Bearer tokens with refresh rotation. A refresh token is single-use and replaying a spent one
 * revokes the whole family, so many requests failing at once (or starting with an expired
 * token) must refresh exactly once: one refresh is in flight at a time and every request that
 * needs it awaits the same promise, then retries with the new access token. A refusal of the
 * refresh ends the sign-in: tokens are dropped, `onTokens(null, 'signed-out')` is called and
 * every waiting request fails with `CLIENT_SIGNED_OUT`.
 */
export class BearerCredentials implements Credentials {
  readonly fetchCredentials = 'omit' as const;
  private tokens: BearerTokens | null;
  private refreshing: Promise<void> | null = null;

  constructor(
    initial: BearerTokens | null,
    private readonly onTokens: (tokens: BearerTokens | null, change: TokenChange) => void,
    private readonly now: () => number,
  ) {
    this.tokens = initial;
  }

  get current(): BearerTokens | null {
    return this.tokens;
  }

  /** Keeps tokens a sign-in step returned. */
  accept(response: TokenResponse, change: TokenChange = 'signed-in'): void {
    this.tokens = {
      accessToken: response.accessToken,
      ...(response.refreshToken === undefined ? {} : { refreshToken: response.refreshToken }),
      expiresAtMs: this.now() + response.expiresIn * 1000,
    };
    this.onTokens(this.tokens, change);
  }

  clear(): void {
    if (this.tokens === null) return;
    this.tokens = null;
    this.onTokens(null, 'signed-out');
  }

  async prepare(request: ApiRequest, transport: Transport): Promise<Attempt> {
    if (request.authority === 'none' || this.tokens === null) return { headers: {} };
    const { expiresAtMs, refreshToken, accessToken } = this.tokens;
    const isDue = expiresAtMs !== undefined && this.now() >= expiresAtMs - EARLY_REFRESH_MS;
    if (request.authority !== 'restricted' && refreshToken && isDue) await this.refreshAfter(accessToken, transport);
    const token = this.tokens?.accessToken;
    return token ? { headers: { authorization: `Bearer ${token}` }, sentToken: token } : { headers: {} };
  }

  async recover(error: BulwarkError, request: ApiRequest, attempt: Attempt, transport: Transport): Promise<boolean> {
    if (request.authority === 'none' || request.authority === 'restricted') return false;
    if (error.code !== 'AUTH_INVALID_TOKEN' || attempt.sentToken === undefined) return false;
    await this.refreshAfter(attempt.sentToken, transport);
    // Signed out meanwhile: the retry must not go out as a guest's request.
    if (this.tokens === null) throw signedOut('The sign-in ended while this request was under way.');
    return true;
  }

  /**
   * Refreshes because `staleToken` was refused or is due: not at all when the tokens were
   * rotated since it was sent (another request already refreshed), else through the one
   * refresh in flight.
   */
  private async refreshAfter(staleToken: string, transport: Transport): Promise<void> {
    if (this.refreshing === null && this.tokens?.accessToken !== staleToken) return;
    this.refreshing ??= this.rotate(transport).finally(() => {
      this.refreshing = null;
    });
    await this.refreshing;
  }

  private async rotate(transport: Transport): Promise<void> {
    const refreshToken = this.tokens?.refreshToken;
    if (refreshToken === undefined) {
      this.clear();
      throw signedOut('This sign-in has no refresh token (it still owed its second step).');
    }
    let next: TokenResponse;
    try {
      next = await transport.send<TokenResponse>(
        { method: 'POST', path: '/api/auth/refresh', body: { refreshToken }, authority: 'none' },
        {},
      );
    } catch (error) {
      // 401: expired, revoked, or already used (which revokes the family): the sign-in is over.
      if (!(error instanceof BulwarkError) || error.status !== 401) throw error;
      if (this.tokens?.refreshToken === refreshToken) this.clear();
      throw signedOut('The server refused the refresh token (expired, revoked or reused).', error);
    }
    // Signed out (or in anew) while the refresh was on its way: those tokens win.
    if (this.tokens?.refreshToken === refreshToken) this.accept(next, 'refreshed');
  }
}

function signedOut(detail: string, cause?: unknown): BulwarkError {
  return clientError('CLIENT_SIGNED_OUT', 'Signed out', `${detail} Sign in again.`, cause);
}

/** An API key: sent as a bearer token, never refreshed (keys are rotated by their owner). */
export class ApiKeyCredentials implements Credentials {
  readonly fetchCredentials = 'omit' as const;
  constructor(private readonly key: string) {}

  async prepare(request: ApiRequest): Promise<Attempt> {
    return request.authority === 'none' ? { headers: {} } : { headers: { authorization: `Bearer ${this.key}` } };
  }

  async recover(): Promise<boolean> {
    return false;
  }
}
