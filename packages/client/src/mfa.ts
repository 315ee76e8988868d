import type { FactorSummary } from './api-types.js';
import type { SignInHolder } from './auth.js';
import type { Transport } from './transport.js';

/**
 * Second factors of the signed-in user. Enrolling gives a browser session a new id (and CSRF
 * token); a bearer sign-in made only to enrol stays restricted: sign in again with a code.
 */
export class MfaApi {
  constructor(
    private readonly transport: Transport,
    private readonly holder: SignInHolder,
  ) {}

  /** Which factors I have, how many recovery codes are left, and whether one is required. */
  status(): Promise<FactorSummary> {
    return this.transport.request<FactorSummary>({ method: 'GET', path: '/api/auth/mfa' });
  }

  /** Starts TOTP enrolment: show `otpauthUrl` as a QR code (or `secret` to type in). */
  setupTotp(): Promise<{ secret: string; otpauthUrl: string }> {
    return this.transport.request({ method: 'POST', path: '/api/auth/mfa/totp/setup' });
  }

  /** Confirms TOTP with a first code; returns 10 single-use recovery codes, shown once. */
  async confirmTotp(code: string): Promise<{ recoveryCodes: string[] }> {
    const result = await this.transport.request<{ recoveryCodes: string[] }>({
      method: 'POST',
      path: '/api/auth/mfa/totp/confirm',
      body: { code },
    });
    this.holder.cookie?.forget();
    return result;
  }

  /** Removes the authenticator app (needs a recent step-up with password and code). */
  removeTotp(): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: '/api/auth/mfa/totp' });
  }

  /** Replaces every recovery code (needs a recent step-up with password and code). */
  regenerateRecoveryCodes(): Promise<{ recoveryCodes: string[] }> {
    return this.transport.request({ method: 'POST', path: '/api/auth/mfa/recovery-codes' });
  }
}
