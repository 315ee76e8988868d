import cookie from '@fastify/cookie';
import type { FrozenConfig } from '../../config/index.js';
import type { Database } from '../../db/index.js';
import type { HttpApp } from '../../http/http-app.js';
import type { KeyPurpose } from '../../lib/crypto/derive-key.js';
import type { OutboundClient } from '../../lib/net/outbound-types.js';
import type { SharedState } from '../../stores/index.js';
import type { AuditSink } from '../audit/index.js';
import { createAccountMailer } from './account-mailer.js';
import { createAccountService, type PasswordTools } from './account-service.js';
import { createApiKeyService } from './api-key-service.js';
import type { AuthDeps } from './auth-deps.js';
import { registerAuthentication } from './authenticate.js';
import { createSecondFactors } from './mfa/second-factors.js';
import { createOidcService } from './oidc/oidc-service.js';
import { contextBannedWords } from './password/banned-words.js';
import { getBreachedPasswords } from './password/breached-passwords.js';
import { createPasswordHasher } from './password/password-hasher.js';
import { checkPassword } from './password/password-policy.js';
import { registerRefusalAudit } from './refusal-audit.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAdminSetupRoutes } from './routes/admin-setup-routes.js';
import { registerApiKeyRoutes } from './routes/api-key-routes.js';
import { registerEmailChangeRoutes } from './routes/email-change-routes.js';
import { registerMfaRoutes } from './routes/mfa-routes.js';
import { registerOidcRoutes } from './routes/oidc-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerSignInRoutes } from './routes/sign-in-routes.js';
import { registerUserAdminRoutes } from './routes/user-admin-routes.js';
import { registerWebauthnRoutes } from './routes/webauthn-routes.js';
import { createSessionService } from './session-service.js';
import { createSignInThrottle } from './sign-in-throttle.js';
import { createTokenHasher } from './token-hasher.js';
import { INVITATION_TTL_SECONDS } from './user-import.js';

export { normaliseEmail } from './account-service.js';
export { API_KEY_SCOPES } from './api-key-service.js';
export type { AuthContext } from './auth-context.js';
export { requireAdmin, requireRecentAuth, requireUser } from './guards.js';
export { MIN_DERIVED_WORD_CODE_POINTS, PRODUCT_WORDS } from './password/banned-words.js';
// The API's own field schemas, so `bulwark admin create` refuses exactly what the route would.
export { Email, Password } from './routes/schemas.js';
export { ImportEmailTaken, type ImportedAccount, importAccounts } from './user-import.js';

export interface AuthFeatureOptions {
  config: FrozenConfig;
  database: Database;
  audit: AuditSink;
  deriveKey: (purpose: KeyPurpose) => Buffer;
  /** Shared counters and bans (throttling, per-user budget). */
  state: SharedState;
  /** The SSRF guard; OIDC discovery and token requests go through it. */
  outbound: OutboundClient;
  now?: () => number;
}

/**
 * The password policy for a new password under `config`: null when acceptable, else the reason
 * and the user's message. Every route applies it, and so does `bulwark admin create`, which
 * checks before it touches the data folder.
 */
export function createPasswordPolicyCheck(config: FrozenConfig): PasswordTools['check'] {
  const bannedWords = contextBannedWords({
    name: config.name,
    publicUrl: config.publicUrl,
    extraWords: config.auth.passwordBannedWords,
  });
  return async (password, email) => {
    const verdict = checkPassword(password, {
      email,
      minLength: config.auth.passwordMinLength,
      breached: await getBreachedPasswords(),
      bannedWords,
    });
    return verdict.ok ? null : { reason: verdict.reason, message: verdict.message };
  };
}

/** Builds the identity core: passwords, accounts, sessions, tokens, API keys, mail. */
export function createAuthFeature(options: AuthFeatureOptions) {
  const { config, database } = options;
  const now = options.now ?? Date.now;
  const hashToken = createTokenHasher(options.deriveKey('session'));
  const { memoryKib, iterations, parallelism } = config.auth.argon2;
  const hasher = createPasswordHasher({ memoryKiB: memoryKib, iterations, parallelism });
  const passwords: PasswordTools = {
    hash: (password) => hasher.hash(password),
    verify: (hash, password) => hasher.verify(hash, password),
    check: createPasswordPolicyCheck(config),
  };
  const accounts = createAccountService({ db: database.db, hashToken, passwords, audit: options.audit, now });
  const sessions = createSessionService(
    database.db,
    hashToken,
    {
      idleTimeoutSeconds: config.auth.sessionIdleTimeoutSeconds,
      absoluteLifetimeSeconds: config.auth.sessionAbsoluteLifetimeSeconds,
      accessTokenTtlSeconds: config.auth.accessTokenTtlSeconds,
      refreshTokenLifetimeSeconds: config.auth.refreshTokenLifetimeSeconds,
      pendingTtlSeconds: config.auth.mfa.pendingTtlSeconds,
      maxSessionsPerUser: config.auth.maxSessionsPerUser,
    },
    now,
  );
  const apiKeys = createApiKeyService(
    database.db,
    hashToken,
    {
      maxLifetimeDays: config.auth.apiKeyMaxLifetimeDays,
      rotationOverlapSeconds: config.auth.apiKeyRotationOverlapSeconds,
    },
    now,
  );
  const mailer = createAccountMailer(config);
  const csrfKey = options.deriveKey('csrf');
  const throttle = createSignInThrottle(config, options.state, options.audit, now);
  const userLimiter = options.state.createLimiter({
    name: 'user',
    points: config.abuse.userRequestsPerMinute,
    durationSeconds: 60,
  });
  const factorOptions = {
    db: database.db,
    hashToken,
    totpSealKey: options.deriveKey('totp'),
    totpIssuer: config.auth.mfa.totpIssuer,
    policy: config.auth.mfa,
    now,
  };
  const factors = createSecondFactors(factorOptions);
  const deps: AuthDeps = {
    config,
    accounts,
    sessions,
    apiKeys,
    factors,
    audit: options.audit,
    mailer,
    csrfKey,
    throttle,
    now,
  };

  return {
    accounts,
    sessions,
    apiKeys,
    factors,
    isEmailVerificationOn: mailer !== null,

    /** `bulwark admin create --totp`: the administrator and its authenticator app, in one transaction. */
    createAdminWithTotp: (email: string, password: string) =>
      accounts.createAdminWith(email, password, (trx, user) =>
        createSecondFactors({ ...factorOptions, db: trx }).enrolTotpFromShell(user),
      ),

    async registerRoutes(app: HttpApp): Promise<void> {
      await app.register(cookie);
      const credentialedOrigins = config.cors.credentials ? config.cors.origins.filter((o) => o !== '*') : [];
      registerAuthentication(app, {
        sessions,
        apiKeys,
        users: accounts.users,
        csrfKey,
        credentialedOrigins,
        corsOrigins: config.cors.origins,
        limitUser: (userId, points) => userLimiter.consume(userId, points),
        requiresFactor: factors.isRequiredFor,
      });
      registerRefusalAudit(app, deps);
      registerSignInRoutes(app, deps);
      registerSessionRoutes(app, deps);
      registerAccountRoutes(app, deps);
      registerEmailChangeRoutes(app, deps);
      registerApiKeyRoutes(app, deps);
      registerAdminSetupRoutes(app, deps);
      registerUserAdminRoutes(app, deps);
      registerMfaRoutes(app, deps);
      registerWebauthnRoutes(app, deps);
      registerOidcRoutes(app, deps, createOidcService(database.db, config, hashToken, now, options.outbound.fetch));
    },

    /** Whether mail can go out (SMTP is configured). */
    canMail: mailer !== null,

    /**
     * Mails a user made by an operator a set-password link (a password-reset token that lives
     * INVITATION_TTL_SECONDS), replacing any earlier unused one. Throws when there is no SMTP
     * server configured, or when the mail cannot be sent.
     */
    async sendSetPasswordLink(user: { id: string; email: string }, baseUrl: string): Promise<void> {
      if (!mailer) throw new Error('no SMTP server is configured');
      const token = await accounts.issueToken('reset-password', user.id, INVITATION_TTL_SECONDS);
      await mailer.sendInvitation(user.email, token, baseUrl, INVITATION_TTL_SECONDS / 60);
    },

    /** A one-time first-administrator token, or null once an administrator exists. */
    async createSetupToken(): Promise<string | null> {
      if ((await accounts.users.countAdmins()) > 0) return null;
      return accounts.issueToken('setup', null, config.auth.setupTokenTtlSeconds);
    },

    /** Starts loading the breached-password list so the first sign-up does not wait for it. */
    warmUp: () => getBreachedPasswords().then(() => undefined),
    close: () => mailer?.close(),
  };
}

export type AuthFeature = ReturnType<typeof createAuthFeature>;
