import {
  allowInsecureRequests,
  authorizationCodeGrant,
  buildAuthorizationUrl,
  calculatePKCECodeChallenge,
  discovery,
  randomNonce,
  randomPKCECodeVerifier,
  randomState,
} from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OidcTestProvider, startOidcProvider } from './oidc-provider.js';

const CLIENT = { clientId: 'bulwark', clientSecret: 'a-long-enough-test-client-secret', redirectUris: [] as string[] };
const REDIRECT_URI = 'http://127.0.0.1:1/auth/oidc/test/callback';
CLIENT.redirectUris.push(REDIRECT_URI);
const ACCOUNTS = {
  alice: { email: 'alice@example.com', emailVerified: true, name: 'Alice' },
  bob: { email: 'bob@example.com', emailVerified: false },
};

describe('the test OpenID Provider', () => {
  let provider: OidcTestProvider;
  beforeAll(async () => {
    provider = await startOidcProvider({ clients: [CLIENT], accounts: ACCOUNTS });
  });
  afterAll(() => provider.stop());

  async function signIn(subject: string) {
    const config = await discovery(new URL(provider.issuer), CLIENT.clientId, CLIENT.clientSecret, undefined, {
      execute: [allowInsecureRequests],
    });
    const pkceCodeVerifier = randomPKCECodeVerifier();
    const state = randomState();
    const nonce = randomNonce();
    const url = buildAuthorizationUrl(config, {
      redirect_uri: REDIRECT_URI,
      scope: 'openid email profile',
      code_challenge: await calculatePKCECodeChallenge(pkceCodeVerifier),
      code_challenge_method: 'S256',
      state,
      nonce,
    });
    const location = await provider.authorize(url.href, subject);
    return { config, location, pkceCodeVerifier, state, nonce };
  }

  it('signs a subject in through openid-client: discovery, PKCE, code exchange, ID token claims', async () => {
    const { config, location, pkceCodeVerifier, state, nonce } = await signIn('alice');
    expect(location.startsWith(`${REDIRECT_URI}?`)).toBe(true);
    expect(new URL(location).searchParams.get('state')).toBe(state);

    const tokens = await authorizationCodeGrant(config, new URL(location), {
      pkceCodeVerifier,
      expectedState: state,
      expectedNonce: nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({
      iss: provider.issuer,
      aud: CLIENT.clientId,
      sub: 'alice',
      email: 'alice@example.com',
      email_verified: true,
      name: 'Alice',
    });
  });

  it('reports an unverified email, and signs each authorize call in afresh', async () => {
    const first = await signIn('bob');
    const tokens = await authorizationCodeGrant(first.config, new URL(first.location), {
      pkceCodeVerifier: first.pkceCodeVerifier,
      expectedState: first.state,
      expectedNonce: first.nonce,
      idTokenExpected: true,
    });
    expect(tokens.claims()).toMatchObject({ sub: 'bob', email: 'bob@example.com', email_verified: false });
    const second = await signIn('alice');
    const again = await authorizationCodeGrant(second.config, new URL(second.location), {
      pkceCodeVerifier: second.pkceCodeVerifier,
      expectedState: second.state,
      expectedNonce: second.nonce,
      idTokenExpected: true,
    });
    expect(again.claims()?.sub).toBe('alice');
  });

  it('redirects back with access_denied for an unknown subject', async () => {
    const { location } = await signIn('mallory');
    expect(new URL(location).searchParams.get('error')).toBe('access_denied');
  });

  it('requires PKCE and refuses a replayed code', async () => {
    const { config, location, pkceCodeVerifier, state, nonce } = await signIn('alice');
    const checks = { pkceCodeVerifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true };
    await expect(
      authorizationCodeGrant(config, new URL(location), { ...checks, pkceCodeVerifier: randomPKCECodeVerifier() }),
    ).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(authorizationCodeGrant(config, new URL(location), checks)).resolves.toBeDefined();
    await expect(authorizationCodeGrant(config, new URL(location), checks)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const withoutPkce = buildAuthorizationUrl(config, { redirect_uri: REDIRECT_URI, scope: 'openid', state, nonce });
    const refused = new URL(await provider.authorize(withoutPkce.href, 'alice'));
    expect(refused.searchParams.get('error')).toBe('invalid_request');
  });

  it('throws from authorize when the provider shows an error page (unregistered redirect_uri)', async () => {
    const url = new URL(`${provider.issuer}/auth`);
    url.search = new URLSearchParams({
      client_id: CLIENT.clientId,
      redirect_uri: 'https://evil.test/callback',
      response_type: 'code',
      scope: 'openid',
      code_challenge: await calculatePKCECodeChallenge(randomPKCECodeVerifier()),
      code_challenge_method: 'S256',
    }).toString();
    await expect(provider.authorize(url.href, 'alice')).rejects.toThrow(/redirect_uri/);
  });

  it('with issuerOverride, serves a discovery document that openid-client refuses', async () => {
    const impostor = await startOidcProvider({
      clients: [CLIENT],
      accounts: ACCOUNTS,
      issuerOverride: 'https://accounts.example.com',
    });
    try {
      const document = (await (await fetch(`${impostor.issuer}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        authorization_endpoint: string;
      };
      expect(document.issuer).toBe('https://accounts.example.com');
      expect(document.authorization_endpoint).toBe(`${impostor.issuer}/auth`);
      await expect(
        discovery(new URL(impostor.issuer), CLIENT.clientId, CLIENT.clientSecret, undefined, {
          execute: [allowInsecureRequests],
        }),
      ).rejects.toThrow(/issuer/i);
    } finally {
      await impostor.stop();
    }
  });
});
