import { code, configDefault, header, table } from './markdown.js';

/** One way to sign in or act as someone, with its routes (`METHOD /path`) and its controls. */
export interface AuthPathway {
  pathway: string;
  /** Routes as `METHOD /api/…` in the OpenAPI document's spelling (`:id`), or a non-HTTP entry point. */
  routes: readonly string[];
  controls: string;
}

/**
 * Every authentication pathway (ASVS V6.1.3). A test compares the routes with the OpenAPI
 * document: an authentication route missing here, or a route here the server no longer has,
 * fails it.
 */
export function authPathways(): AuthPathway[] {
  const idle = Number(configDefault('auth.sessionIdleTimeoutSeconds')) / 60;
  const absolute = Number(configDefault('auth.sessionAbsoluteLifetimeSeconds')) / 3600;
  const access = Number(configDefault('auth.accessTokenTtlSeconds')) / 60;
  const stepUp = Number(configDefault('auth.stepUpWindowSeconds')) / 60;
  return [
    {
      pathway: 'Password, browser session',
      routes: ['POST /api/auth/login', 'GET /api/auth/csrf', 'GET /api/auth/me', 'POST /api/auth/logout'],
      controls: `argon2id; one 401 for wrong email or password with equal work; per-account lock and per-address ban; second factor when enrolled or required; \`__Host-\` cookie (HttpOnly, Secure, SameSite=Lax), new id at every sign-in; idle ${idle} min, absolute ${absolute} h; CSRF token bound to the cookie.`,
    },
    {
      pathway: 'Password, bearer tokens',
      routes: ['POST /api/auth/token', 'POST /api/auth/refresh'],
      controls: `Same checks as the browser sign-in; \`bwa_\` access token (${access} min) and \`bwr_\` refresh token, rotated at every use, reuse revokes the family; \`{email, password, code}\` does both steps at once.`,
    },
    {
      pathway: 'Second factor: TOTP and recovery codes',
      routes: [
        'POST /api/auth/mfa/verify',
        'GET /api/auth/mfa',
        'POST /api/auth/mfa/totp/setup',
        'POST /api/auth/mfa/totp/confirm',
        'DELETE /api/auth/mfa/totp',
        'POST /api/auth/mfa/recovery-codes',
      ],
      controls:
        'RFC 6238, ±1 step, each code spent once by a conditional write; recovery codes single-use, stored as HMACs; wrong codes count toward the account lock; a completed second step gets a new session; enrolment and removal need step-up with password and factor.',
    },
    {
      pathway: 'Passkeys (WebAuthn)',
      routes: [
        'POST /api/auth/webauthn/login/options',
        'POST /api/auth/webauthn/login/verify',
        'POST /api/auth/webauthn/register/options',
        'POST /api/auth/webauthn/register/verify',
        'GET /api/auth/webauthn/credentials',
        'DELETE /api/auth/webauthn/credentials/:id',
      ],
      controls:
        'User verification required to sign in alone; challenges bound to purpose and session and spent before checking; origin and relying-party id from configuration; a counter that does not advance is refused; registration needs a recent sign-in.',
    },
    {
      pathway: 'OIDC providers',
      routes: ['GET /api/auth/oidc/:provider/start', 'GET /api/auth/oidc/:provider/callback'],
      controls:
        'Authorization code with PKCE S256, state and nonce, state also in a `__Host-` cookie (same browser, once, 10 min); issuer and ID token checked; accounts linked only by their signed-in owner or a verified email from a trusted provider; one factor: a second factor is still owed; discovery through the outbound guard.',
    },
    {
      pathway: 'Sign-up and email verification',
      routes: ['POST /api/auth/register', 'POST /api/auth/email/verify'],
      controls:
        'Password policy (length, breached list, email, context-specific words, zxcvbn); with mail: the same 202 for a new and a taken address, single-use verification link in the URL fragment, sign-in waits for it; sign-up rate limit.',
    },
    {
      pathway: 'Password reset',
      routes: ['POST /api/auth/password/forgot', 'POST /api/auth/password/reset'],
      controls:
        'Always 202; single-use link, 30 min (72 h for the set-password link of an account made by `bulwark users import`), token in the fragment; the new password passes the policy before the link is spent; every session ends; nobody is signed in.',
    },
    {
      pathway: 'Password and email change',
      routes: ['POST /api/auth/password/change', 'POST /api/auth/email/change', 'POST /api/auth/email/change/confirm'],
      controls:
        'Current password (counted toward the account lock); policy on the new password; other sessions end; an email change is confirmed from the new address and needs step-up.',
    },
    {
      pathway: 'Step-up re-authentication',
      routes: ['POST /api/auth/reauth'],
      controls: `Password, code, passkey or password and code; opens a ${stepUp}-minute window for sensitive actions; new session id; failures count toward the account lock.`,
    },
    {
      pathway: 'Sessions of the signed-in user',
      routes: ['GET /api/auth/sessions', 'DELETE /api/auth/sessions/:id', 'DELETE /api/auth/sessions'],
      controls: 'Lists and ends sessions and token families; ending others needs a recent sign-in.',
    },
    {
      pathway: 'API keys',
      routes: ['GET /api/keys', 'POST /api/keys', 'POST /api/keys/:id/rotate', 'DELETE /api/keys/:id'],
      controls:
        '`Authorization: Bearer bwk_…`; scopes; mandatory expiry; stored as HMACs, shown once; created, rotated (with overlap) and revoked under step-up; never accepted on account routes; an administrator key needs its owner to have a second factor, unless it was made on the server’s shell (`bulwark keys create --admin`, flagged `madeFromShell`; no route can make one, its rotation over HTTP is an ordinary key, and `bulwark audit` names each live one as `admin-api-key-from-shell`).',
    },
    {
      pathway: 'First-administrator set-up link',
      routes: ['POST /api/admin/setup', '/_/setup#<token>'],
      controls:
        'Printed once when no administrator exists; single-use token stored as an HMAC, 15 min, in the URL fragment; password policy; refused once an administrator exists.',
    },
    {
      pathway: 'Command line on the server',
      routes: [
        'bulwark admin create',
        'bulwark sessions revoke',
        'bulwark keys create --admin',
        'bulwark keys list',
        'bulwark keys revoke',
        'bulwark users import',
      ],
      controls:
        'Needs the server’s shell, data folder and master key, which is why it counts as the owner’s proof; the password is read without echo or from standard input, never from argv, and passes the same policy; `admin create --totp` enrols TOTP without a first code and prints its secret and recovery codes once; `keys create --admin` makes an administrator key, shown once, with scopes and an expiry of at most 90 days, that works before its owner has a second factor; `users import` makes accounts without passwords (a file line carrying one is refused) and mails single-use set-password links (72 h, token in the fragment); all audited with actor `cli`.',
    },
  ];
}

/** docs/security/authentication-pathways.md. */
export function renderAuthenticationPathways(): string {
  const rows = authPathways().map((entry) => [entry.pathway, entry.routes.map(code).join(', '), entry.controls]);
  return [
    ...header('Authentication pathways', '`src/docs/security/authentication-pathways.ts`'),
    'ASVS 5.0 V6.1.3: every way to sign in or act as a user, and the controls on each. Every',
    'authentication route of the OpenAPI document is in this table (a test fails otherwise).',
    '',
    ...table(['pathway', 'routes', 'controls'], rows),
    '',
    'Common to all: rate limits per address and per account, address bans, audit entries for',
    'every success and failure (see [logging-inventory.md](logging-inventory.md)), and sessions,',
    'tokens and keys stored only as HMACs (see [crypto-inventory.md](crypto-inventory.md)).',
    '',
  ].join('\n');
}
