import type { PublicUser, RequestBody, ResponseBody, SessionInfo } from './api-types.js';
import type { BearerCredentials, TokenResponse } from './bearer-credentials.js';
import type { CookieCredentials } from './cookie-credentials.js';
import { BulwarkError } from './errors.js';
import { segment, type Transport } from './transport.js';

/** How the client holds its sign-in; set by `createClient`. */
export interface SignInHolder {
  cookie?: CookieCredentials;
  bearer?: BearerCredentials;
}

/**
 * Where a sign-in stands: complete, owing its second step (`verifySecondFactor`), or allowed
 * only to enrol a factor (`mfa.totp.setup`, then sign in again with a code).
 */
export type SignInStage = 'signed-in' | 'second-factor-required' | 'enrolment-required';

export interface SignInResult {
  stage: SignInStage;
  /** The user (cookie mode; in bearer mode call `me()`). */
  user?: PublicUser;
}

export type SignUpInput = RequestBody<'/api/auth/register', 'post'>;
export type SignInInput = RequestBody<'/api/auth/token', 'post'>;
/** Step-up with a password, a second-factor code, or both. */
export type ReauthInput = { password?: string; code?: string };
export type Me = ResponseBody<'/api/auth/me', 'get', 200>;

interface StageFlags {
  mfaRequired: boolean;
  mfaEnrolmentRequired?: boolean;
}
type StepResponse = StageFlags & Partial<TokenResponse> & { user?: PublicUser };

const stageOf = (flags: StageFlags): SignInStage =>
  !flags.mfaRequired ? 'signed-in' : flags.mfaEnrolmentRequired ? 'enrolment-required' : 'second-factor-required';

/** Sign-up, sign-in and its second step, step-up, sign-out, and my sessions. */
export class AuthApi {
  constructor(
    private readonly transport: Transport,
    private readonly holder: SignInHolder,
  ) {}

  /** Creates an account. With email verification on, the server mails a link instead (`user` absent). */
  async signUp(input: SignUpInput): Promise<{ user?: PublicUser; verificationRequired: boolean }> {
    const body = await this.transport.request<{ user?: PublicUser; status?: string }>({
      method: 'POST',
      path: '/api/auth/register',
      body: input,
      authority: 'none',
    });
    return body.user ? { user: body.user, verificationRequired: false } : { verificationRequired: true };
  }

  /**
   * Signs in: a session cookie in cookie mode, tokens in bearer mode. Pass `code` to give the
   * second factor in the same call; otherwise a user with one gets `second-factor-required`.
   */
  async signIn(input: SignInInput): Promise<SignInResult> {
    const path = this.holder.bearer ? '/api/auth/token' : '/api/auth/login';
    return this.step(path, input, 'none');
  }

  /** Completes a sign-in that owes its second step, with a TOTP code or a recovery code. */
  async verifySecondFactor(code: string): Promise<SignInResult> {
    return this.step('/api/auth/mfa/verify', { code }, 'restricted');
  }

  /** Step-up: opens the window for sensitive actions (key and factor changes, admin actions). */
  async reauthenticate(input: ReauthInput): Promise<{ reauthenticatedUntil: string }> {
    const result = await this.transport.request<{ reauthenticatedUntil: string }>({
      method: 'POST',
      path: '/api/auth/reauth',
      body: input,
    });
    // The server gave the browser session a new id, and with it a new CSRF token.
    this.holder.cookie?.forget();
    return result;
  }

  /** Ends this sign-in on the server (session or whole token family) and forgets it here. */
  async signOut(): Promise<void> {
    try {
      await this.transport.request<void>({ method: 'POST', path: '/api/auth/logout' });
    } catch (error) {
      // Already over on the server: nothing is left to end.
      if (!(error instanceof BulwarkError) || (error.status !== 401 && !error.isSignedOut)) throw error;
    } finally {
      this.holder.cookie?.forget();
      this.holder.bearer?.clear();
    }
  }

  /** The signed-in user, and whether the sign-in still owes a second step. */
  me(): Promise<Me> {
    return this.transport.request<Me>({ method: 'GET', path: '/api/auth/me', authority: 'session' });
  }

  /** My browser sessions and bearer token families. */
  async listSessions(): Promise<SessionInfo[]> {
    const { items } = await this.transport.request<{ items: SessionInfo[] }>({
      method: 'GET',
      path: '/api/auth/sessions',
    });
    return items;
  }

  /** Ends one of my sessions; another device's needs a recent step-up. */
  revokeSession(id: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `/api/auth/sessions/${segment(id)}` });
  }

  /** Ends every other session and token family of mine (needs a recent step-up). */
  revokeOtherSessions(): Promise<{ revoked: number }> {
    return this.transport.request<{ revoked: number }>({ method: 'DELETE', path: '/api/auth/sessions' });
  }

  /** Changes the password; the server ends every other session. */
  async changePassword(currentPassword: string, newPassword: string): Promise<void> {
    await this.transport.request<void>({
      method: 'POST',
      path: '/api/auth/password/change',
      body: { currentPassword, newPassword },
    });
    // A privilege change may give the browser session a new id: fetch the token anew.
    this.holder.cookie?.forget();
  }

  /** A sign-in step: keeps what it returned (tokens, or the new cookie's need for a new CSRF token). */
  private async step(path: string, body: unknown, authority: 'none' | 'restricted'): Promise<SignInResult> {
    const response = await this.transport.request<StepResponse>({ method: 'POST', path, body, authority });
    this.accept(response);
    return { stage: stageOf(response), ...(response.user ? { user: response.user } : {}) };
  }

  /** Keeps the outcome of a step that signed in (also a passkey sign-in). */
  accept(response: StepResponse): void {
    this.holder.cookie?.forget();
    if (this.holder.bearer && response.accessToken !== undefined && response.expiresIn !== undefined) {
      this.holder.bearer.accept({
        accessToken: response.accessToken,
        expiresIn: response.expiresIn,
        ...(response.refreshToken === undefined ? {} : { refreshToken: response.refreshToken }),
      });
    }
  }
}

export type { StepResponse };
