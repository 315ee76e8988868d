import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { FrozenConfig } from '../../config/index.js';
import { type DatabaseTables, isUniqueViolation } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import type { TokenHasher } from '../../lib/crypto/token-hasher.js';
import { createUsersRepo } from '../identity/index.js';
import { type OidcAccountsDeps, type OidcSignIn, resolveOidcUser } from './oidc-accounts.js';
import { allowsPlainHttp, claimsFrom, type OidcClaims, oidcFailed, sameSecret } from './oidc-claims.js';

/** A sign-in must come back from the provider within this time. */
export const OIDC_FLOW_TTL_MS = 10 * 60_000;

export type OidcProvider = FrozenConfig['auth']['oidc']['providers'][number];

/**
 * OpenID Connect sign-in through openid-client: authorization code flow with PKCE (S256),
 * state and nonce. The flow's secrets live in the database for ten minutes and are spent by one
 * conditional write; the state is also bound to the browser by a cookie, so a callback URL
 * lured into another browser signs nobody in. Identities are keyed on issuer and subject.
 */
export function createOidcService(
  db: Kysely<DatabaseTables>,
  config: FrozenConfig,
  hash: TokenHasher,
  now: () => number,
  /** The outbound guard's fetch: the issuer is an address like any other (SSRF, rebinding). */
  guardedFetch: typeof fetch,
) {
  const accounts: OidcAccountsDeps = { db, users: createUsersRepo(db), now };
  const providers = new Map(config.auth.oidc.providers.map((provider) => [provider.name, provider]));
  const discovered = new Map<string, Promise<client.Configuration>>();

  const providerNamed = (name: string): OidcProvider => {
    const provider = providers.get(name);
    if (!provider) throw appError('AUTH_OIDC_UNKNOWN_PROVIDER');
    return provider;
  };

  /** Discovery once per provider; a failure is not remembered, so a provider that was down recovers. */
  const configurationOf = (provider: OidcProvider): Promise<client.Configuration> => {
    let pending = discovered.get(provider.name);
    if (!pending) {
      const issuer = new URL(provider.issuer);
      const insecure = allowsPlainHttp(issuer);
      // openid-client skips the ID token's signature when it came straight from the token
      // endpoint over TLS (OIDC Core 3.1.3.7 allows it); we check it anyway (ASVS V9.1.1).
      const execute = [client.enableNonRepudiationChecks, ...(insecure ? [client.allowInsecureRequests] : [])];
      // Discovery, token and key requests all use the guard's fetch (kept on the configuration).
      pending = client.discovery(issuer, provider.clientId, provider.clientSecret, undefined, {
        execute,
        [client.customFetch]: (url, { body, signal, ...rest }) =>
          guardedFetch(url, { ...rest, ...(body === undefined ? {} : { body }), ...(signal ? { signal } : {}) }),
      });
      discovered.set(provider.name, pending);
      pending.catch(() => discovered.delete(provider.name));
    }
    return pending.catch((error: unknown) => {
      throw appError('AUTH_OIDC_UNAVAILABLE', {
        detail: 'The identity provider could not be reached or did not identify itself as configured.',
        expose: true,
        headers: { 'retry-after': '60' },
        cause: error,
      });
    });
  };

  return {
    providerNamed,
    names: () => [...providers.keys()],

    /** Begins a sign-in: the provider's authorization URL and the state to bind to the browser. */
    async start(name: string, redirectUri: string, next: string | null, linkUserId: string | null) {
      const provider = providerNamed(name);
      const configuration = await configurationOf(provider);
      const state = client.randomState();
      const nonce = client.randomNonce();
      const codeVerifier = client.randomPKCECodeVerifier();
      const nowMs = now();
      await db.deleteFrom('oidc_flows').where('expires_ms', '<', nowMs).execute();
      await db
        .insertInto('oidc_flows')
        .values({
          state_hash: hash(`oidc:${state}`),
          provider: provider.name,
          code_verifier: codeVerifier,
          nonce,
          next,
          link_user_id: linkUserId,
          created_ms: nowMs,
          expires_ms: nowMs + OIDC_FLOW_TTL_MS,
          used_ms: null,
        })
        .execute();
      const url = client.buildAuthorizationUrl(configuration, {
        redirect_uri: redirectUri,
        scope: provider.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state,
        nonce,
      });
      return { url: url.href, state };
    },

    /**
     * Finishes a sign-in at the callback: the state must match the browser's cookie and an
     * unspent flow; the code is exchanged with the verifier; the ID token's issuer, audience,
     * nonce and signature are checked by openid-client.
     */
    async finish(name: string, callbackUrl: URL, browserState: string | undefined) {
      const provider = providerNamed(name);
      const state = callbackUrl.searchParams.get('state');
      if (!state || !browserState || !sameSecret(state, browserState)) {
        throw oidcFailed('This sign-in was not started in this browser, or it expired.');
      }
      const flow = await spendFlow(provider, state);
      const tokens = await exchangeCode(provider, callbackUrl, state, flow);
      const idToken = tokens.claims();
      if (!idToken) throw oidcFailed('The identity provider sent no ID token.');
      return { provider, claims: claimsFrom(idToken), flow };
    },

    /**
     * The local user for a verified identity. Linking an existing account needs its owner
     * signed in (a link flow), or a verified email from a provider trusted for email; a bare
     * email match is refused, so a provider cannot hand over someone else's account.
     */
    async userFor(provider: OidcProvider, claims: OidcClaims, linkUserId: string | null) {
      const signIn: OidcSignIn = { provider, claims, linkUserId };
      try {
        return await resolveOidcUser(accounts, signIn);
      } catch (error) {
        // A simultaneous callback for the same identity (or address) wrote first: decide again
        // against what it wrote, so the loser signs in to the same account or gets a 4xx.
        if (!isUniqueViolation(error)) throw error;
        return resolveOidcUser(accounts, signIn);
      }
    },

    identitiesOf: (userId: string) =>
      db.selectFrom('oidc_identities').selectAll().where('user_id', '=', userId).orderBy('created_ms').execute(),
  };

  /** Spends the unspent, unexpired flow this state began; refused when there is none. */
  async function spendFlow(provider: OidcProvider, state: string) {
    const stateHash = hash(`oidc:${state}`);
    const spent = await db
      .updateTable('oidc_flows')
      .set({ used_ms: now() })
      .where('state_hash', '=', stateHash)
      .where('provider', '=', provider.name)
      .where('used_ms', 'is', null)
      .where('expires_ms', '>', now())
      .executeTakeFirst();
    if (Number(spent.numUpdatedRows) !== 1) throw oidcFailed('This sign-in was already used or has expired.');
    return db.selectFrom('oidc_flows').selectAll().where('state_hash', '=', stateHash).executeTakeFirstOrThrow();
  }

  /** The code for tokens, with the flow's verifier; issuer, audience, nonce and signature checked. */
  async function exchangeCode(
    provider: OidcProvider,
    callbackUrl: URL,
    state: string,
    flow: { code_verifier: string; nonce: string },
  ) {
    const configuration = await configurationOf(provider);
    try {
      return await client.authorizationCodeGrant(configuration, callbackUrl, {
        pkceCodeVerifier: flow.code_verifier,
        expectedState: state,
        expectedNonce: flow.nonce,
        idTokenExpected: true,
      });
    } catch (error) {
      throw appError('AUTH_OIDC_FAILED', { detail: 'The identity provider’s answer was not accepted.', cause: error });
    }
  }
}

export type OidcService = ReturnType<typeof createOidcService>;
