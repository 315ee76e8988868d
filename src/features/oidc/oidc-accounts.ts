import type { Kysely } from 'kysely';
import type { DatabaseTables, UsersTable } from '../../db/index.js';
import { newId } from '../../lib/crypto/token-hasher.js';
import { createUsersRepo, type UsersRepo } from '../identity/index.js';
import {
  identityRow,
  newOidcUser,
  type OidcClaims,
  oidcFailed,
  requireLinkableByEmail,
  verifiedEmailOf,
} from './oidc-claims.js';

/** How the callback's user was found, for the audit log. */
export type OidcOutcome = 'existing-identity' | 'linked-signed-in' | 'linked-by-email' | 'created';

export interface OidcAccountsDeps {
  db: Kysely<DatabaseTables>;
  /** The users repository over `db` (its statements compiled once). */
  users: UsersRepo;
  now: () => number;
}

/** The sign-in being resolved: the provider's name and trust, its verified claims, a link flow's user. */
export interface OidcSignIn {
  provider: { name: string; trustedForEmail: boolean };
  claims: OidcClaims;
  linkUserId: string | null;
}

type Resolved = { user: UsersTable; outcome: OidcOutcome };

/**
 * The local user for a verified identity. Linking an existing account needs its owner signed in
 * (a link flow), or a verified email from a provider trusted for email; a bare email match is
 * refused, so a provider cannot hand over someone else's account.
 */
export async function resolveOidcUser(deps: OidcAccountsDeps, signIn: OidcSignIn): Promise<Resolved> {
  const { claims, linkUserId } = signIn;
  const identity = await deps.db
    .selectFrom('oidc_identities')
    .select('user_id')
    .where('issuer', '=', claims.issuer)
    .where('subject', '=', claims.subject)
    .executeTakeFirst();
  if (identity) {
    if (linkUserId && identity.user_id !== linkUserId) throw oidcFailed('That identity is linked to another account.');
    return signInByIdentity(deps, claims, identity.user_id);
  }
  if (linkUserId) return linkSignedIn(deps, signIn, linkUserId);
  return linkOrCreateByEmail(deps, signIn);
}

async function signInByIdentity(deps: OidcAccountsDeps, claims: OidcClaims, userId: string): Promise<Resolved> {
  await deps.db
    .updateTable('oidc_identities')
    .set({ last_used_ms: deps.now() })
    .where('issuer', '=', claims.issuer)
    .where('subject', '=', claims.subject)
    .execute();
  const user = await deps.users.findById(userId);
  if (!user) throw oidcFailed('The linked account no longer exists.');
  return { user, outcome: 'existing-identity' };
}

async function linkSignedIn(deps: OidcAccountsDeps, signIn: OidcSignIn, linkUserId: string): Promise<Resolved> {
  const user = await deps.users.findById(linkUserId);
  if (!user) throw oidcFailed('The account to link no longer exists.');
  if (user.disabled === 1) throw oidcFailed('This account is disabled.');
  await link(deps, signIn, user.id);
  return { user, outcome: 'linked-signed-in' };
}

async function linkOrCreateByEmail(deps: OidcAccountsDeps, signIn: OidcSignIn): Promise<Resolved> {
  const email = verifiedEmailOf(signIn.claims);
  const existing = await deps.users.findByEmail(email);
  if (existing) {
    requireLinkableByEmail(signIn.provider.trustedForEmail, existing);
    await link(deps, signIn, existing.id);
    return { user: existing, outcome: 'linked-by-email' };
  }
  const user = newOidcUser(newId(), email, signIn.claims.name, deps.now());
  await deps.db.transaction().execute(async (trx) => {
    await createUsersRepo(trx).insert(user);
    await link({ ...deps, db: trx }, signIn, user.id);
  });
  return { user, outcome: 'created' };
}

const link = (deps: OidcAccountsDeps, signIn: OidcSignIn, userId: string) =>
  deps.db
    .insertInto('oidc_identities')
    .values(identityRow(signIn.provider.name, signIn.claims, userId, deps.now()))
    .execute();
