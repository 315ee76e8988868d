import type { PasskeyInfo } from './api-types.js';
import type { AuthApi, SignInHolder, SignInResult, StepResponse } from './auth.js';
import { BulwarkError, clientError } from './errors.js';
import { type Authority, segment, type Transport } from './transport.js';
import {
  type AssertionOptionsJSON,
  assertionToJSON,
  type CreationOptionsJSON,
  parseAssertionOptions,
  parseCreationOptions,
  registrationToJSON,
  type WebAuthnCredential,
} from './webauthn-json.js';

/** The part of `navigator.credentials` this needs (typed here so the package needs no DOM types in Node). */
interface CredentialsContainerLike {
  create(options: { publicKey: unknown }): Promise<unknown>;
  get(options: { publicKey: unknown }): Promise<unknown>;
}

function credentialsContainer(): CredentialsContainerLike {
  const container = (globalThis as { navigator?: { credentials?: CredentialsContainerLike } }).navigator?.credentials;
  if (!container || typeof container.create !== 'function') {
    throw clientError('CLIENT_UNSUPPORTED', 'No WebAuthn', 'Passkeys need a browser with WebAuthn (a secure context).');
  }
  return container;
}

/** Passkeys through the browser's WebAuthn API: registration, sign-in, second step and step-up. */
export class PasskeysApi {
  constructor(
    private readonly transport: Transport,
    private readonly holder: SignInHolder,
    private readonly auth: AuthApi,
  ) {}

  /** Registers a passkey for the signed-in user; the account's first factor also returns recovery codes. */
  async register(name?: string): Promise<{ passkey: PasskeyInfo; recoveryCodes?: string[] }> {
    const options = await this.transport.request<CreationOptionsJSON>({
      method: 'POST',
      path: '/api/auth/webauthn/register/options',
    });
    const credential = (await credentialsContainer().create({
      publicKey: parseCreationOptions(options),
    })) as WebAuthnCredential | null;
    if (!credential) throw clientError('CLIENT_UNSUPPORTED', 'No passkey', 'The browser created no credential.');
    const result = await this.transport.request<{ passkey: PasskeyInfo; recoveryCodes?: string[] }>({
      method: 'POST',
      path: '/api/auth/webauthn/register/verify',
      body: { response: registrationToJSON(credential), ...(name === undefined ? {} : { name }) },
    });
    // Enrolling changes the browser session's id, and with it the CSRF token.
    this.holder.cookie?.forget();
    return result;
  }

  /**
   * Signs in with a passkey alone (a passkey that verifies the person counts as both factors).
   * Never a step-up: the browser sends its session cookie with every request, and the server
   * answers a signed-in caller's ceremony with a step-up challenge that a sign-in cannot use,
   * so a complete cookie sign-in is refused here, before the ceremony, with what to call instead.
   */
  async signIn(): Promise<SignInResult> {
    if (this.holder.cookie && (await this.hasCompleteSession())) {
      throw clientError(
        'CLIENT_ALREADY_SIGNED_IN',
        'Already signed in',
        'This browser is signed in: call passkeys.reauthenticate() for a step-up, or auth.signOut() first to sign in as someone else.',
      );
    }
    return this.assertAndComplete('none');
  }

  /** Completes a password sign-in that owes its second step, with a passkey. */
  verifySecondFactor(): Promise<SignInResult> {
    return this.assertAndComplete('restricted');
  }

  /** Step-up with a passkey. */
  async reauthenticate(): Promise<{ reauthenticatedUntil: string }> {
    const response = await this.assertion('session');
    const result = await this.transport.request<{ reauthenticatedUntil: string }>({
      method: 'POST',
      path: '/api/auth/reauth',
      body: { webauthn: response },
    });
    this.holder.cookie?.forget();
    return result;
  }

  async list(): Promise<PasskeyInfo[]> {
    const path = '/api/auth/webauthn/credentials';
    const { items } = await this.transport.request<{ items: PasskeyInfo[] }>({ method: 'GET', path });
    return items;
  }

  /** Removes a passkey (needs a recent step-up with password and second factor). */
  remove(id: string): Promise<void> {
    return this.transport.request<void>({
      method: 'DELETE',
      path: `/api/auth/webauthn/credentials/${segment(id)}`,
    });
  }

  private async assertAndComplete(authority: 'none' | 'restricted'): Promise<SignInResult> {
    const response = await this.assertion(authority);
    const mode = this.holder.bearer ? 'bearer' : 'cookie';
    const outcome = await this.transport.request<StepResponse>({
      method: 'POST',
      path: '/api/auth/webauthn/login/verify',
      body: authority === 'none' ? { response, mode } : { response },
      authority,
    });
    this.auth.accept(outcome);
    return {
      stage: outcome.mfaRequired ? 'second-factor-required' : 'signed-in',
      ...(outcome.user ? { user: outcome.user } : {}),
    };
  }

  /** Whether the browser's cookie carries a sign-in that owes nothing (401: none at all). */
  private hasCompleteSession(): Promise<boolean> {
    return this.auth.me().then(
      (me) => !me.mfaRequired,
      (error: unknown) => {
        if (error instanceof BulwarkError && error.status === 401) return false;
        throw error;
      },
    );
  }

  /** Asks the server for a challenge and the browser for an assertion over it. */
  private async assertion(authority: Authority) {
    const options = await this.transport.request<AssertionOptionsJSON>({
      method: 'POST',
      path: '/api/auth/webauthn/login/options',
      authority,
    });
    const credential = (await credentialsContainer().get({
      publicKey: parseAssertionOptions(options),
    })) as WebAuthnCredential | null;
    if (!credential) throw clientError('CLIENT_UNSUPPORTED', 'No passkey', 'The browser returned no assertion.');
    return assertionToJSON(credential);
  }
}
