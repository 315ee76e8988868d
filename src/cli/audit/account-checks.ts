import { counted } from '../output.js';
import type { ActiveApiKey, ShellApiKey } from './account-facts.js';
import type { AuditCheck, AuditFacts } from './audit-check.js';
import { DAY_MS, listSome } from './audit-check.js';

/** An API key expiring this soon needs its replacement now, before clients start failing. */
export const API_KEY_EXPIRY_WARNING_DAYS = 14;
/**
 * Default age past which an active key counts as never rotated: a quarter, the common rotation
 * period for long-lived credentials. `bulwark audit --api-key-max-age-days` changes it.
 */
export const DEFAULT_API_KEY_MAX_AGE_DAYS = 90;

const adminsWithoutFactor = (facts: AuditFacts): readonly string[] =>
  facts.accounts.state === 'read' ? facts.accounts.adminsWithoutFactor : [];
const activeKeys = (facts: AuditFacts): readonly ActiveApiKey[] =>
  facts.accounts.state === 'read' ? facts.accounts.activeApiKeys : [];
const isFactorRequired = ({ config }: AuditFacts) =>
  config.auth.mfa.requiredForAdmins || config.auth.mfa.requiredForAll;
const liveShellKeys = (facts: AuditFacts): readonly ShellApiKey[] =>
  facts.accounts.state === 'read' ? facts.accounts.liveShellKeys : [];
const shellKeyLine = (key: ShellApiKey) =>
  `id ${key.id} “${key.name}” of ${key.ownerEmail}, scopes ${key.scopes.join(' ')}, expires ${new Date(key.expiresMs).toISOString()}`;
const keyName = (key: ActiveApiKey) => `“${key.name}” (${key.displayPrefix}…) of ${key.ownerEmail}`;

/** Administrators' second factors and API-key lifetimes, from the database. */
export const ACCOUNT_CHECKS: readonly AuditCheck[] = [
  {
    // With the policy off, a stolen or guessed password is a whole administrator account.
    id: 'admin-without-second-factor',
    severity: 'high',
    describe: (facts) => {
      const admins = adminsWithoutFactor(facts);
      return admins.length > 0 && !isFactorRequired(facts)
        ? `${counted(admins.length, 'administrator')} with no second factor, signing in with a password alone: ${listSome(admins)}`
        : null;
    },
    fix: 'set auth.mfa.requiredForAdmins to true (the default), so each must enrol TOTP or a passkey at the next sign-in',
  },
  {
    id: 'admin-second-factor-pending',
    severity: 'medium',
    describe: (facts) => {
      const admins = adminsWithoutFactor(facts);
      return admins.length > 0 && isFactorRequired(facts)
        ? `${counted(admins.length, 'administrator')} with no second factor yet (the policy makes them enrol one at their next sign-in): ${listSome(admins)}`
        : null;
    },
    fix: 'have them sign in and enrol TOTP or a passkey, or disable the accounts nobody uses',
  },
  {
    id: 'api-key-expiring',
    severity: 'low',
    describe: (facts) => {
      const soon = activeKeys(facts).filter(
        (key) => key.expiresMs - facts.nowMs < API_KEY_EXPIRY_WARNING_DAYS * DAY_MS,
      );
      return soon.length > 0
        ? `${counted(soon.length, 'API key')} expiring within ${API_KEY_EXPIRY_WARNING_DAYS} days: ${listSome(soon.map((key) => `${keyName(key)} on ${new Date(key.expiresMs).toISOString().slice(0, 10)}`))}`
        : null;
    },
    fix: 'rotate each key before it expires (POST /api/keys/{id}/rotate) and give its client the new one',
  },
  {
    id: 'api-key-not-rotated',
    severity: 'medium',
    describe: (facts) => {
      const old = activeKeys(facts).filter((key) => facts.nowMs - key.createdMs > facts.apiKeyMaxAgeDays * DAY_MS);
      return old.length > 0
        ? `${counted(old.length, 'API key')} not rotated for more than ${facts.apiKeyMaxAgeDays} days: ${listSome(old.map(keyName))}`
        : null;
    },
    fix: 'rotate them (POST /api/keys/{id}/rotate; the old key keeps working for auth.apiKeyRotationOverlapSeconds), or revoke keys nobody uses',
  },
  {
    // A standing administrator credential that skips its owner's second factor, on purpose
    // (features/sessions/authenticate.ts). Medium, as admin-second-factor-pending: the operator
    // must see and review it, but it is bounded (at most 90 days, revocable) and deliberate;
    // high would fail (exit 1) the very CI scripts that make such keys for themselves.
    // Every key is named, not a few: each is a credential to revoke by its id.
    id: 'admin-api-key-from-shell',
    severity: 'medium',
    describe: (facts) => {
      const keys = liveShellKeys(facts);
      return keys.length > 0
        ? `${counted(keys.length, 'live administrator API key')} made on the shell (bulwark keys create --admin), working without the owner's second factor: ${keys.map(shellKeyLine).join('; ')}`
        : null;
    },
    fix: 'revoke each one no longer needed with bulwark keys revoke ID, or let it expire; make them short-lived (e.g. --expires 1d for a CI run)',
  },
  {
    // Like advisories: a check that could not run is said, never passed in silence.
    id: 'accounts-not-checked',
    severity: 'medium',
    describe: ({ accounts }) =>
      accounts.state === 'unreadable'
        ? `administrators and API keys were not checked: the database could not be read (${accounts.reason})`
        : null,
    fix: 'run bulwark audit where the database is reachable, with the server’s configuration (BULWARK_DATABASE_URL, --data)',
  },
];
