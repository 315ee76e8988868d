import { timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as client from 'openid-client';
import type { FrozenConfig } from '../../config/index.js';
import { type DatabaseTables, isUniqueViolation, type UsersTable } from '../../db/index.js';
import { appError } from '../../errors/index.js';
import { newId, type TokenHasher } from '../../lib/crypto/token-hasher.js';
import { isLoopbackHost } from '../../lib/net/ip.js';
import { createUsersRepo, normaliseEmail } from '../identity/index.js';

/** A sign-in must come back from the provider within this time. */
export const OIDC_FLOW_TTL_MS = 10 * 60_000;

export type OidcProvider = FrozenConfig['auth']['oidc']['providers'][number];

export interface OidcClaims {
  issuer: string;
  subject: string;
  email: string | null;
  emailVerified: boolean;
  name: string | null;
}

/** How the callback's user was found, for the audit log. */
export type OidcOutcome = 'existing-identity' | 'linked-signed-in' | 'linked-by-email' | 'created';

const failed = (detail: string) => appError('AUTH_OIDC_FAILED', { detail });

/** Equal strings in constant time (the state from the URL against the one in the cookie). */
function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a, 'utf8');
  const right = Buffer.from(b, 'utf8');
  return left.length === right.length && timingSafeEqual(left, right);
}

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
  const users = createUsersRepo(db);
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
      // Plain HTTP only to a provider on this machine (development and tests).
      const insecure = issuer.protocol === 'http:' && isLoopbackHost(issuer.hostname);
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
        throw failed('This sign-in was not started in this browser, or it expired.');
      }
      const stateHash = hash(`oidc:${state}`);
      const spent = await db
        .updateTable('oidc_flows')
        .set({ used_ms: now() })
        .where('state_hash', '=', stateHash)
        .where('provider', '=', provider.name)
        .where('used_ms', 'is', null)
        .where('expires_ms', '>', now())
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw failed('This sign-in was already used or has expired.');
      const flow = await db
        .selectFrom('oidc_flows')
        .selectAll()
        .where('state_hash', '=', stateHash)
        .executeTakeFirstOrThrow();
      const configuration = await configurationOf(provider);
      let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
      try {
        tokens = await client.authorizationCodeGrant(configuration, callbackUrl, {
          pkceCodeVerifier: flow.code_verifier,
          expectedState: state,
          expectedNonce: flow.nonce,
          idTokenExpected: true,
        });
      } catch (error) {
        throw appError('AUTH_OIDC_FAILED', {
          detail: 'The identity provider’s answer was not accepted.',
          cause: error,
        });
      }
      const claims = tokens.claims();
      if (!claims) throw failed('The identity provider sent no ID token.');
      const email = typeof claims.email === 'string' ? normaliseEmail(claims.email) : null;
      const result: OidcClaims = {
        issuer: claims.iss,
        subject: claims.sub,
        email,
        emailVerified: claims.email_verified === true,
        name: typeof claims.name === 'string' ? claims.name.slice(0, 200) : null,
      };
      return { provider, claims: result, flow };
    },

    /**
     * The local user for a verified identity. Linking an existing account needs its owner
     * signed in (a link flow), or a verified email from a provider trusted for email; a bare
     * email match is refused, so a provider cannot hand over someone else's account.
     */
    async userFor(
      provider: OidcProvider,
      claims: OidcClaims,
      linkUserId: string | null,
    ): Promise<{ user: UsersTable; outcome: OidcOutcome }> {
      try {
        return await resolveUser(provider, claims, linkUserId);
      } catch (error) {
        // A simultaneous callback for the same identity (or address) wrote first: decide again
        // against what it wrote, so the loser signs in to the same account or gets a 4xx.
        if (!isUniqueViolation(error)) throw error;
        return resolveUser(provider, claims, linkUserId);
      }
    },

    identitiesOf: (userId: string) =>
      db.selectFrom('oidc_identities').selectAll().where('user_id', '=', userId).orderBy('created_ms').execute(),
  };

  async function resolveUser(
    provider: OidcProvider,
    claims: OidcClaims,
    linkUserId: string | null,
  ): Promise<{ user: UsersTable; outcome: OidcOutcome }> {
    const identity = await db
      .selectFrom('oidc_identities')
      .selectAll()
      .where('issuer', '=', claims.issuer)
      .where('subject', '=', claims.subject)
      .executeTakeFirst();
    const findUser = (id: string) => users.findById(id);
    const identityRow = (userId: string) => ({
      issuer: claims.issuer,
      subject: claims.subject,
      user_id: userId,
      provider: provider.name,
      email: claims.email,
      created_ms: now(),
      last_used_ms: now(),
    });
    const link = (userId: string) => db.insertInto('oidc_identities').values(identityRow(userId)).execute();

    if (identity) {
      if (linkUserId && identity.user_id !== linkUserId) throw failed('That identity is linked to another account.');
      await db
        .updateTable('oidc_identities')
        .set({ last_used_ms: now() })
        .where('issuer', '=', claims.issuer)
        .where('subject', '=', claims.subject)
        .execute();
      const user = await findUser(identity.user_id);
      if (!user) throw failed('The linked account no longer exists.');
      return { user, outcome: 'existing-identity' };
    }
    if (linkUserId) {
      const user = await findUser(linkUserId);
      if (!user) throw failed('The account to link no longer exists.');
      if (user.disabled === 1) throw failed('This account is disabled.');
      await link(user.id);
      return { user, outcome: 'linked-signed-in' };
    }
    if (!claims.email || !claims.emailVerified) {
      throw failed('The identity provider did not assert a verified email address.');
    }
    const existing = await users.findByEmail(claims.email);
    if (existing) {
      // An account whose owner never proved the address may have been registered by someone
      // else in advance (pre-hijacking): it is linked only by its owner, signed in.
      if (!provider.trustedForEmail || existing.verified !== 1) throw appError('AUTH_OIDC_ACCOUNT_EXISTS');
      if (existing.disabled === 1) throw failed('This account is disabled.');
      await link(existing.id);
      return { user: existing, outcome: 'linked-by-email' };
    }
    const nowMs = now();
    const user: UsersTable = {
      id: newId(),
      email: claims.email,
      name: claims.name,
      password_hash: null,
      role: 'user',
      verified: 1,
      disabled: 0,
      created_ms: nowMs,
      updated_ms: nowMs,
      mfa_enrolled_ms: null,
    };
    await db.transaction().execute(async (trx) => {
      await createUsersRepo(trx).insert(user);
      await trx.insertInto('oidc_identities').values(identityRow(user.id)).execute();
    });
    return { user, outcome: 'created' };
  }
}

export type OidcService = ReturnType<typeof createOidcService>;
