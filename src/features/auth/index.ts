import cookie from '@fastify/cookie';
import type { FrozenConfig } from '../../config/index.js';
import type { Database } from '../../db/index.js';
import type { HttpApp } from '../../http/http-app.js';
import type { KeyPurpose } from '../../lib/crypto/derive-key.js';
import { createTokenHasher } from '../../lib/crypto/token-hasher.js';
import type { OutboundClient } from '../../lib/net/outbound-types.js';
import type { SharedState } from '../../stores/index.js';
import { registerAdminSetupRoutes, registerSessionAdminRoutes, registerUserAdminRoutes } from '../admin/index.js';
import { createApiKeyService, registerApiKeyRoutes } from '../api-keys/index.js';
import type { AuditSink } from '../audit/index.js';
import type { AuthDeps } from '../auth-core/index.js';
import { createSecondFactors, registerMfaRoutes, registerWebauthnRoutes } from '../factors/index.js';
import {
  createAccountMailer,
  createAccountService,
  createPasswordTools,
  INVITATION_TTL_SECONDS,
  registerAccountRoutes,
  registerEmailChangeRoutes,
  warmUpPasswordPolicy,
} from '../identity/index.js';
import { createOidcService, registerOidcRoutes } from '../oidc/index.js';
import {
  createSessionService,
  createSignInThrottle,
  registerAuthentication,
  registerRefusalAudit,
  registerSessionRoutes,
  registerSignInRoutes,
} from '../sessions/index.js';

// The sign-in features assembled: identity (accounts, passwords), sessions, factors (TOTP,
// recovery codes, passkeys), oidc, api-keys and the user administration routes of admin, over
// what they share in auth-core. Each is built here once and handed the others it needs.

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

/** Builds the identity core: passwords, accounts, sessions, tokens, API keys, mail. */
export function createAuthFeature(options: AuthFeatureOptions) {
  const { config, database } = options;
  const now = options.now ?? Date.now;
  const hashToken = createTokenHasher(options.deriveKey('session'));
  const passwords = createPasswordTools(config);
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
      registerSessionAdminRoutes(app, deps);
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
    warmUp: warmUpPasswordPolicy,
    close: () => mailer?.close(),
  };
}

export type AuthFeature = ReturnType<typeof createAuthFeature>;
