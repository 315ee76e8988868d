import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFor, PASSWORD, sessionTokenFrom, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * TOTP second factor as an attacker who already has the password sees it: enrolment that
 * cannot be faked, a sign-in that stays restricted until the code is given (and then gets a
 * new session id), codes that work once (also under a race), a second factor that cannot be
 * brute-forced, recovery codes, administrators forced to enrol, step-up with a code, and an
 * audit trail that never holds a secret.
 */

type Headers = Record<string, string>;
type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const STEP_MS = 30_000;
const stepNow = () => Math.floor(Date.now() / STEP_MS);
/** The code an authenticator app shows at an absolute 30-second step. */
const codeAtStep = (secret: string, step: number) => totpCode(secret, 0, step * STEP_MS);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const minutesAgo = (n: number) => Date.now() - n * 60_000;

/**
 * Waits into the next step when the current one is about to end, so that a code computed for
 * "now ± n" is still "now ± n" when the server checks it (at most a few seconds, rarely).
 */
async function awayFromStepBoundary(marginMs = 4_000): Promise<void> {
  const left = STEP_MS - (Date.now() % STEP_MS);
  if (left < marginMs) await sleep(left + 100);
}

/** A 6-digit code that is none of the codes valid within ±`window` steps of now. */
function wrongCode(secret: string, window = 2): string {
  const valid = new Set(Array.from({ length: 2 * window + 1 }, (_, i) => totpCode(secret, i - window)));
  for (let n = 0; ; n++) {
    const candidate = String((123_457 + n * 7_919) % 1_000_000).padStart(6, '0');
    if (!valid.has(candidate)) return candidate;
  }
}

interface Enrolled {
  id: string;
  email: string;
  secret: string;
  recoveryCodes: string[];
  /** The newest step the server has seen spent (confirmation or sign-in). */
  lastStep: number;
  /** Every TOTP code sent for this account, for the "never logged" checks. */
  codesSent: string[];
}

/** Everything a test does over HTTP against one app. */
function clientFor(getApp: () => TestApp) {
  const call = async (method: Method, url: string, headers: Headers = {}, payload?: object) => {
    const options: InjectOptions = { method, url, headers };
    if (payload !== undefined) options.payload = payload;
    // Sent once: test apps run without load shedding, and a retry on 503 would hide the
    // abuse guard failing closed.
    return getApp().http.inject(options);
  };
  const registerUser = async (email: string) => {
    const response = await call('POST', '/api/auth/register', {}, { email, password: PASSWORD });
    expect(response.statusCode, response.body).toBe(201);
    return response.json().user as { id: string; email: string };
  };

  const token = (email: string, code?: string, password = PASSWORD) =>
    call('POST', '/api/auth/token', {}, { email, password, ...(code === undefined ? {} : { code }) });
  const login = (email: string, code?: string, headers: Headers = {}) =>
    call('POST', '/api/auth/login', headers, { email, password: PASSWORD, ...(code === undefined ? {} : { code }) });

  /** A cookie session's X-CSRF-Token (allowed for pending sign-ins too). */
  const csrfOf = async (sessionToken: string) => {
    const response = await call('GET', '/api/auth/csrf', { cookie: cookieFor(sessionToken) });
    expect(response.statusCode, response.body).toBe(200);
    return response.json().token as string;
  };
  const cookieHeaders = async (sessionToken: string): Promise<Headers> => ({
    cookie: cookieFor(sessionToken),
    'x-csrf-token': await csrfOf(sessionToken),
  });
  const me = (headers: Headers) => call('GET', '/api/auth/me', headers);
  const summary = async (headers: Headers) => {
    const response = await call('GET', '/api/auth/mfa', headers);
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as {
      required: boolean;
      enrolled: boolean;
      totp: boolean;
      passkeys: number;
      recoveryCodesLeft: number;
    };
  };

  /** Setup, then confirm with the code of `offset` steps from now (-1 leaves room for two more codes). */
  const enrol = async (headers: Headers, offset = -1) => {
    const setup = await call('POST', '/api/auth/mfa/totp/setup', headers);
    expect(setup.statusCode, setup.body).toBe(200);
    const secret = setup.json().secret as string;
    if (offset !== 0) await awayFromStepBoundary();
    const step = stepNow() + offset;
    const code = codeAtStep(secret, step);
    const confirm = await call('POST', '/api/auth/mfa/totp/confirm', headers, { code });
    expect(confirm.statusCode, confirm.body).toBe(200);
    return { secret, recoveryCodes: confirm.json().recoveryCodes as string[], step, code, confirm };
  };

  /** A registered user who enrolled TOTP through a bearer sign-in. */
  const newEnrolled = async (label: string): Promise<Enrolled> => {
    const email = uniqueEmail(label);
    const { id } = await registerUser(email);
    const first = await token(email);
    expect(first.statusCode, first.body).toBe(200);
    const { secret, recoveryCodes, step, code } = await enrol(bearer(first.json().accessToken));
    return { id, email, secret, recoveryCodes, lastStep: step, codesSent: [code] };
  };

  /** The code of the next unspent step within the window (now, else now+1). */
  const nextCode = (account: Enrolled): string => {
    const now = stepNow();
    const step = Math.max(now, account.lastStep + 1);
    if (step > now + 1) throw new Error('test bug: no unspent step left in the window; use another account');
    account.lastStep = step;
    const code = codeAtStep(account.secret, step);
    account.codesSent.push(code);
    return code;
  };

  /** A full bearer sign-in with password and code in one request. */
  const fullBearer = async (account: Enrolled): Promise<Headers> => {
    const response = await token(account.email, nextCode(account));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().mfaRequired).toBe(false);
    return bearer(response.json().accessToken);
  };

  return {
    call,
    registerUser,
    token,
    login,
    csrfOf,
    cookieHeaders,
    me,
    summary,
    enrol,
    newEnrolled,
    nextCode,
    fullBearer,
  };
}

function expectMfaRequired(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_MFA_REQUIRED');
  expect(response.json().type).toContain('mfa-required');
}

function expectEnrolmentRequired(response: LightMyRequestResponse): void {
  expectProblem(response, 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
  expect(response.json().type).toContain('mfa-enrolment-required');
}

/** What a sign-in made only to enrol is told once the factor exists: not "enrol", but "sign in again". */
function expectSignInAgain(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_MFA_SIGN_IN_AGAIN');
  expect(response.json().type).toContain('mfa-sign-in-again');
  expect(response.json().title).toBe('Sign in again with your code');
  expect(response.json().detail).toContain('Sign in again with your code');
}

function expectInvalidCode(response: LightMyRequestResponse): void {
  expectProblem(response, 401, 'AUTH_INVALID_CODE');
  expect(response.json().type).toContain('invalid-code');
  expect(response.json()).not.toHaveProperty('accessToken');
  expect(response.headers['set-cookie']).toBeUndefined();
}

/** Makes the sign-in of every session of the user old enough that step-up is needed again. */
async function ageSessions(app: TestApp, userId: string): Promise<void> {
  await app.database.db
    .updateTable('sessions')
    .set({ reauth_ms: minutesAgo(30), factor_ms: minutesAgo(30) })
    .where('user_id', '=', userId)
    .execute();
}

const auditOf = async (app: TestApp, userId: string) =>
  (await app.database.db.selectFrom('audit_log').selectAll().where('actor', '=', userId).orderBy('seq').execute()).map(
    (row) => ({ type: row.type, details: JSON.parse(row.details) as Record<string, unknown> }),
  );

let app: TestApp;
const client = clientFor(() => app);
const { call, registerUser, token, login, cookieHeaders, me, summary, enrol, newEnrolled, nextCode, fullBearer } =
  client;

beforeAll(async () => {
  app = await createTestApp();
  await app.http.ready();
});
afterAll(() => app.close());

describe('enrolment: an authenticator is only trusted once it proved it has the secret', () => {
  it('gives a base32 secret and an otpauth:// URL; a wrong code does not confirm; the right one yields 10 recovery codes', async () => {
    const email = uniqueEmail('enrol');
    await registerUser(email);
    const signedIn = await token(email);
    expect(signedIn.json()).toMatchObject({ mfaRequired: false });
    const headers = bearer(signedIn.json().accessToken);

    const setup = await call('POST', '/api/auth/mfa/totp/setup', headers);
    expect(setup.statusCode, setup.body).toBe(200);
    const { secret, otpauthUrl } = setup.json() as { secret: string; otpauthUrl: string };
    // 160 bits, base32 without padding.
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeBase32IgnorePadding(secret)).toHaveLength(20);
    expect(otpauthUrl.startsWith('otpauth://totp/')).toBe(true);
    const url = new URL(otpauthUrl);
    expect(url.searchParams.get('secret')).toBe(secret);
    expect(url.searchParams.get('issuer')).toBe('Bulwark');
    expect(decodeURIComponent(url.pathname)).toContain(email);
    expect(await summary(headers)).toMatchObject({ enrolled: false, totp: false, recoveryCodesLeft: 0 });

    // Someone who does not hold the secret guesses: nothing is confirmed.
    expectInvalidCode(await call('POST', '/api/auth/mfa/totp/confirm', headers, { code: wrongCode(secret) }));
    expect(await summary(headers)).toMatchObject({ enrolled: false, totp: false, recoveryCodesLeft: 0 });
    expect((await token(email)).json().mfaRequired).toBe(false);

    const confirm = await call('POST', '/api/auth/mfa/totp/confirm', headers, { code: totpCode(secret) });
    expect(confirm.statusCode, confirm.body).toBe(200);
    const recoveryCodes = confirm.json().recoveryCodes as string[];
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);
    for (const code of recoveryCodes) expect(code).toMatch(/^[a-z2-7]{5}-[a-z2-7]{5}$/);
    expect(await summary(headers)).toMatchObject({
      required: false,
      enrolled: true,
      totp: true,
      recoveryCodesLeft: 10,
    });

    // A confirmed authenticator cannot be silently replaced (nor confirmed again).
    expectProblem(await call('POST', '/api/auth/mfa/totp/setup', headers), 409, 'AUTH_MFA_STATE');
    expectProblem(
      await call('POST', '/api/auth/mfa/totp/confirm', headers, { code: totpCode(secret, 1) }),
      409,
      'AUTH_MFA_STATE',
    );
    expect((await token(email)).json().mfaRequired).toBe(true);
  });

  it('keeps neither the TOTP secret nor the recovery codes in clear in the database', async () => {
    const account = await newEnrolled('at-rest');
    const bytes = Buffer.from(decodeBase32IgnorePadding(account.secret));
    const totpRows = await app.database.db
      .selectFrom('totp_factors')
      .selectAll()
      .where('user_id', '=', account.id)
      .execute();
    expect(totpRows).toHaveLength(1);
    const stored = JSON.stringify(totpRows);
    for (const form of [
      account.secret,
      account.secret.toLowerCase(),
      bytes.toString('hex'),
      bytes.toString('base64'),
      bytes.toString('base64url'),
    ]) {
      expect(stored).not.toContain(form);
    }
    // Nor in any column of a row that is not the secret either (sealed bytes decode to something else).
    const sealed = Buffer.from(totpRows[0]?.secret_sealed ?? '', 'base64');
    expect(sealed.includes(bytes)).toBe(false);

    const recoveryRows = JSON.stringify(
      await app.database.db.selectFrom('recovery_codes').selectAll().where('user_id', '=', account.id).execute(),
    );
    for (const code of account.recoveryCodes) {
      expect(recoveryRows).not.toContain(code);
      expect(recoveryRows).not.toContain(code.replace('-', ''));
    }
  });

  it('needs a recent sign-in to start enrolment (a stolen old session cannot attach its own authenticator)', async () => {
    const email = uniqueEmail('enrol-stale');
    const { id } = await registerUser(email);
    const headers = bearer((await token(email)).json().accessToken);
    await ageSessions(app, id);
    expectProblem(await call('POST', '/api/auth/mfa/totp/setup', headers), 403, 'AUTH_STEP_UP_REQUIRED');
  });
});

describe('two-step sign-in: the password alone opens nothing but the second step', () => {
  const restrictedRoutes = (headers: Headers) => [
    call('GET', '/api/auth/sessions', headers),
    call('GET', '/api/keys', headers),
    call('POST', '/api/keys', headers, { name: 'x', scopes: ['profile:read'], expiresIn: 3600 }),
    call('GET', '/api/collections/x/records', headers),
    call('POST', '/api/auth/password/change', headers, { currentPassword: PASSWORD, newPassword: `${PASSWORD} new` }),
    call('POST', '/api/auth/reauth', headers, { password: PASSWORD }),
    call('POST', '/api/auth/mfa/totp/setup', headers),
  ];

  it('cookie: a pending session may only read me/csrf, verify or sign out; verifying issues a new session id', async () => {
    const account = await newEnrolled('two-step-cookie');
    const pendingResponse = await login(account.email);
    expect(pendingResponse.statusCode, pendingResponse.body).toBe(200);
    expect(pendingResponse.json()).toMatchObject({ mfaRequired: true });
    expect(pendingResponse.json()).not.toHaveProperty('mfaEnrolmentRequired');
    const pending = sessionTokenFrom(pendingResponse) as string;
    expect(pending).toBeTruthy();
    const pendingHeaders = await cookieHeaders(pending);

    const who = await me({ cookie: cookieFor(pending) });
    expect(who.statusCode, who.body).toBe(200);
    expect(who.json()).toMatchObject({ user: { email: account.email }, mfaRequired: true });
    for (const response of await Promise.all(restrictedRoutes(pendingHeaders))) expectMfaRequired(response);

    // The second step is a state change on the session: it needs the CSRF token like any other.
    const code = nextCode(account);
    expectProblem(
      await call('POST', '/api/auth/mfa/verify', { cookie: cookieFor(pending) }, { code }),
      403,
      'AUTH_CSRF',
    );
    expectInvalidCode(await call('POST', '/api/auth/mfa/verify', pendingHeaders, { code: wrongCode(account.secret) }));
    expect((await me({ cookie: cookieFor(pending) })).json().mfaRequired).toBe(true);

    const verified = await call('POST', '/api/auth/mfa/verify', pendingHeaders, { code });
    expect(verified.statusCode, verified.body).toBe(200);
    expect(verified.json()).toMatchObject({ user: { id: account.id }, mfaRequired: false });
    const full = sessionTokenFrom(verified) as string;
    expect(full).toBeTruthy();
    // Fixation (ASVS V7.2.4): whoever learnt the pending cookie learnt nothing that lasts.
    expect(full).not.toBe(pending);
    expectProblem(await me({ cookie: cookieFor(pending) }), 401, 'AUTH_REQUIRED');
    expect((await me({ cookie: cookieFor(full) })).json().mfaRequired).toBe(false);
    expect((await call('GET', '/api/auth/sessions', { cookie: cookieFor(full) })).statusCode).toBe(200);
    const stages = await app.database.db
      .selectFrom('sessions')
      .select(['stage', 'kind'])
      .where('user_id', '=', account.id)
      .execute();
    expect(stages.filter((s) => s.kind === 'cookie')).toEqual([{ stage: 'full', kind: 'cookie' }]);
    // A completed sign-in owes nothing: verify again is a state error, not a second session.
    const again = await call('POST', '/api/auth/mfa/verify', await cookieHeaders(full), {
      code: wrongCode(account.secret),
    });
    expectProblem(again, 409, 'AUTH_MFA_STATE');
  });

  it('cookie: a pending sign-in can be abandoned with logout', async () => {
    const account = await newEnrolled('two-step-logout');
    const pending = sessionTokenFrom(await login(account.email)) as string;
    const out = await call('POST', '/api/auth/logout', await cookieHeaders(pending));
    expect(out.statusCode, out.body).toBe(204);
    expect((await me({ cookie: cookieFor(pending) })).statusCode).toBe(401);
  });

  it('bearer: a pending token has no refresh token, is refused elsewhere, and verifying replaces it', async () => {
    const account = await newEnrolled('two-step-bearer');
    const pendingResponse = await token(account.email);
    expect(pendingResponse.statusCode, pendingResponse.body).toBe(200);
    const pendingBody = pendingResponse.json();
    expect(pendingBody).toMatchObject({ mfaRequired: true, tokenType: 'Bearer' });
    expect(pendingBody.refreshToken).toBeUndefined();
    expect(pendingBody.expiresIn).toBeLessThanOrEqual(300);
    const pending = bearer(pendingBody.accessToken);

    expect((await me(pending)).json()).toMatchObject({ mfaRequired: true });
    for (const response of await Promise.all(restrictedRoutes(pending))) expectMfaRequired(response);

    const verified = await call('POST', '/api/auth/mfa/verify', pending, { code: nextCode(account) });
    expect(verified.statusCode, verified.body).toBe(200);
    const full = verified.json();
    expect(full).toMatchObject({ mfaRequired: false, tokenType: 'Bearer' });
    expect(full.refreshToken).toEqual(expect.any(String));
    expect(full.accessToken).not.toBe(pendingBody.accessToken);
    expectProblem(await me(pending), 401, 'AUTH_INVALID_TOKEN');
    expect((await call('GET', '/api/auth/sessions', bearer(full.accessToken))).statusCode).toBe(200);
    const refreshed = await call('POST', '/api/auth/refresh', {}, { refreshToken: full.refreshToken });
    expect(refreshed.statusCode, refreshed.body).toBe(200);
  });

  it('bearer: a pending token can be abandoned with logout', async () => {
    const account = await newEnrolled('two-step-bearer-out');
    const pending = bearer((await token(account.email)).json().accessToken);
    expect((await call('POST', '/api/auth/logout', pending)).statusCode).toBe(204);
    expectProblem(await me(pending), 401, 'AUTH_INVALID_TOKEN');
  });

  it('completes in one call with `code` (token and login); a wrong code issues nothing', async () => {
    const account = await newEnrolled('one-call');
    const before = (
      await app.database.db.selectFrom('sessions').select('id').where('user_id', '=', account.id).execute()
    ).length;
    expectInvalidCode(await token(account.email, wrongCode(account.secret)));
    expectInvalidCode(await login(account.email, wrongCode(account.secret)));
    const after = (
      await app.database.db.selectFrom('sessions').select('id').where('user_id', '=', account.id).execute()
    ).length;
    expect(after).toBe(before);

    const tokens = await token(account.email, nextCode(account));
    expect(tokens.statusCode, tokens.body).toBe(200);
    expect(tokens.json()).toMatchObject({ mfaRequired: false, refreshToken: expect.any(String) });
    expect((await call('GET', '/api/auth/sessions', bearer(tokens.json().accessToken))).statusCode).toBe(200);

    const cookie = await login(account.email, nextCode(account));
    expect(cookie.statusCode, cookie.body).toBe(200);
    expect(cookie.json()).toMatchObject({ mfaRequired: false });
    const session = sessionTokenFrom(cookie) as string;
    expect((await call('GET', '/api/auth/sessions', { cookie: cookieFor(session) })).statusCode).toBe(200);
  });

  it('a wrong password with the right code is the usual invalid-credentials and does not spend the code', async () => {
    const account = await newEnrolled('wrong-password');
    const code = nextCode(account);
    expectProblem(await token(account.email, code, 'not the password at all 99'), 401, 'AUTH_INVALID_CREDENTIALS');
    expect((await token(account.email, code)).statusCode).toBe(200);
  });
});

describe('replay: every TOTP step is spent once', () => {
  it('refuses a code a second time, at /api/auth/token and at /api/auth/mfa/verify', async () => {
    const account = await newEnrolled('replay');
    const code = nextCode(account);
    expect((await token(account.email, code)).statusCode).toBe(200);
    // An attacker who watched the victim type it, a moment later.
    expectInvalidCode(await token(account.email, code));
    const pending = bearer((await token(account.email)).json().accessToken);
    expectInvalidCode(await call('POST', '/api/auth/mfa/verify', pending, { code }));
    expect((await me(pending)).json().mfaRequired).toBe(true);
  });

  it('refuses the confirmation code at sign-in, and an older step once a newer one was accepted', async () => {
    const account = await newEnrolled('older-step');
    const confirmCode = account.codesSent[0] as string;
    expectInvalidCode(await token(account.email, confirmCode));
    await awayFromStepBoundary();
    const now = stepNow();
    const newer = codeAtStep(account.secret, now + 1);
    const older = codeAtStep(account.secret, now);
    expect(newer).not.toBe(older);
    expect((await token(account.email, newer)).statusCode).toBe(200);
    // `now` is inside the skew window and was never used, but is older than the newest spent step.
    expectInvalidCode(await token(account.email, older));
    expectInvalidCode(await token(account.email, newer));
  });

  it('accepts one step of clock skew either way and refuses two (confirmation)', async () => {
    // Fresh enrolments: no step spent yet, so only the window decides.
    for (const [offset, accepted] of [
      [-2, false],
      [2, false],
      [-1, true],
      [1, true],
    ] as const) {
      const email = uniqueEmail(`skew${offset}`);
      await registerUser(email);
      const headers = bearer((await token(email)).json().accessToken);
      const setup = await call('POST', '/api/auth/mfa/totp/setup', headers);
      const secret = setup.json().secret as string;
      await awayFromStepBoundary();
      const code = totpCode(secret, offset);
      const inWindow = [-1, 0, 1].map((o) => totpCode(secret, o));
      if (!accepted && inWindow.includes(code)) continue; // a one-in-a-million collision says nothing
      const response = await call('POST', '/api/auth/mfa/totp/confirm', headers, { code });
      if (accepted) expect(response.statusCode, `offset ${offset}: ${response.body}`).toBe(200);
      else expectInvalidCode(response);
    }
  });

  it('accepts one step of clock skew either way and refuses two (sign-in)', async () => {
    const ahead = await newEnrolled('skew-signin-ahead');
    await awayFromStepBoundary();
    const plusTwo = totpCode(ahead.secret, 2);
    if (![-1, 0, 1].map((o) => totpCode(ahead.secret, o)).includes(plusTwo)) {
      expectInvalidCode(await token(ahead.email, plusTwo));
    }
    expect((await token(ahead.email, totpCode(ahead.secret, 1))).statusCode).toBe(200);

    // An account whose last code was used minutes ago (its spent step moved back as time would).
    const behind = await newEnrolled('skew-signin-behind');
    await app.database.db
      .updateTable('totp_factors')
      .set({ last_step: stepNow() - 10 })
      .where('user_id', '=', behind.id)
      .execute();
    await awayFromStepBoundary();
    const minusTwo = totpCode(behind.secret, -2);
    if (![-1, 0, 1].map((o) => totpCode(behind.secret, o)).includes(minusTwo)) {
      expectInvalidCode(await token(behind.email, minusTwo));
    }
    expect((await token(behind.email, totpCode(behind.secret, -1))).statusCode).toBe(200);
  });
});

describe('brute force of the second factor (account failure limit 5)', () => {
  let limited: TestApp;
  const lc = clientFor(() => limited);
  beforeAll(async () => {
    limited = await createTestApp({ env: { BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: '5' } });
    await limited.http.ready();
  });
  afterAll(() => limited.close());

  it('counts wrong codes at /api/auth/mfa/verify: after 5 even the right code gets 429, and each is audited', async () => {
    const account = await lc.newEnrolled('bf-verify');
    const pending = bearer((await lc.token(account.email)).json().accessToken);
    for (let i = 0; i < 5; i++) {
      expectInvalidCode(await lc.call('POST', '/api/auth/mfa/verify', pending, { code: wrongCode(account.secret) }));
    }
    const right = await lc.call('POST', '/api/auth/mfa/verify', pending, { code: lc.nextCode(account) });
    expectProblem(right, 429, 'ABUSE_ACCOUNT_THROTTLED');
    expect(Number(right.headers['retry-after'])).toBeGreaterThan(0);
    expect((await lc.me(pending)).json().mfaRequired).toBe(true);
    // The whole account is locked, password step included.
    expectProblem(await lc.token(account.email), 429, 'ABUSE_ACCOUNT_THROTTLED');

    const failures = (await auditOf(limited, account.id)).filter((e) => e.type === 'auth.mfa.failure');
    expect(failures).toHaveLength(5);
    for (const failure of failures) expect(failure.details).toMatchObject({ purpose: 'sign-in' });
  });

  it('counts wrong codes sent with the password to /api/auth/token', async () => {
    const account = await lc.newEnrolled('bf-token');
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await lc.token(account.email, wrongCode(account.secret))).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    // KNOWN BUG (see report): the password check in /api/auth/token resets the account's failure
    // counter before the code is checked, so an attacker who has the password guesses codes
    // here without ever being throttled. The right code must be refused like at mfa/verify.
    const right = await lc.token(account.email, lc.nextCode(account));
    expect(right.statusCode, 'password+code guesses must count toward the account throttle').toBe(429);
  });

  it('does not let a fresh password sign-in reset the count of wrong codes', async () => {
    const account = await lc.newEnrolled('bf-relogin');
    const statuses: number[] = [];
    for (let round = 0; round < 2; round++) {
      // Four guesses, then sign in with the password again before the fifth would lock.
      const signedIn = await lc.token(account.email);
      statuses.push(signedIn.statusCode);
      if (signedIn.statusCode !== 200) break;
      const pending = bearer(signedIn.json().accessToken);
      for (let i = 0; i < 4; i++) {
        const guess = await lc.call('POST', '/api/auth/mfa/verify', pending, { code: wrongCode(account.secret) });
        statuses.push(guess.statusCode);
      }
    }
    expect(statuses.slice(0, 5)).toEqual([200, 401, 401, 401, 401]);
    // KNOWN BUG (see report): 8 wrong codes, yet each password step reset the account's counter.
    const right = await lc.token(account.email, lc.nextCode(account));
    expect(right.statusCode, `a correct password must not clear a series of wrong codes (${statuses})`).toBe(429);
  });
});

describe('recovery codes', () => {
  it('each works once for sign-in, in any case and without the dash; the count drops', async () => {
    const account = await newEnrolled('recovery');
    const [first, second] = account.recoveryCodes as [string, string];
    const signedIn = await token(account.email, first);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json().mfaRequired).toBe(false);
    const headers = bearer(signedIn.json().accessToken);
    expect((await summary(headers)).recoveryCodesLeft).toBe(9);

    expectInvalidCode(await token(account.email, first));
    const pending = bearer((await token(account.email)).json().accessToken);
    expectInvalidCode(await call('POST', '/api/auth/mfa/verify', pending, { code: first }));
    // A code that is not one of them at all.
    expectInvalidCode(await call('POST', '/api/auth/mfa/verify', pending, { code: 'aaaaa-aaaaa' }));

    const typed = second.replace('-', '').toUpperCase();
    const verified = await call('POST', '/api/auth/mfa/verify', pending, { code: typed });
    expect(verified.statusCode, verified.body).toBe(200);
    expect((await summary(headers)).recoveryCodesLeft).toBe(8);
    expectInvalidCode(await token(account.email, second));
  });

  it('regeneration needs a recent password and a factor; the old codes die', async () => {
    const account = await newEnrolled('regen');
    const headers = await fullBearer(account);
    await ageSessions(app, account.id);
    const regenerate = () => call('POST', '/api/auth/mfa/recovery-codes', headers);

    // A thief with an old session (or just the password) cannot mint codes that outlive the theft.
    expectProblem(await regenerate(), 403, 'AUTH_STEP_UP_REQUIRED');
    expect((await call('POST', '/api/auth/reauth', headers, { password: PASSWORD })).statusCode).toBe(200);
    expectProblem(await regenerate(), 403, 'AUTH_STEP_UP_REQUIRED');
    const both = await call('POST', '/api/auth/reauth', headers, { password: PASSWORD, code: nextCode(account) });
    expect(both.statusCode, both.body).toBe(200);

    const regenerated = await regenerate();
    expect(regenerated.statusCode, regenerated.body).toBe(200);
    const fresh = regenerated.json().recoveryCodes as string[];
    expect(fresh).toHaveLength(10);
    expect(new Set(fresh).size).toBe(10);
    expect(fresh.filter((code) => account.recoveryCodes.includes(code))).toEqual([]);
    expect((await summary(headers)).recoveryCodesLeft).toBe(10);

    expectInvalidCode(await token(account.email, account.recoveryCodes[0]));
    expect((await token(account.email, fresh[0])).statusCode).toBe(200);
    expect((await summary(headers)).recoveryCodesLeft).toBe(9);
    account.recoveryCodes.push(...fresh);
  });

  it('cannot be generated without an enrolled factor', async () => {
    const email = uniqueEmail('regen-none');
    await registerUser(email);
    const headers = bearer((await token(email)).json().accessToken);
    expectProblem(await call('POST', '/api/auth/mfa/recovery-codes', headers), 409, 'AUTH_MFA_STATE');
  });
});

describe('races (ASVS V2.3.4): one code, many simultaneous sign-ins, one winner', () => {
  const race = (requests: Array<Promise<LightMyRequestResponse>>) =>
    Promise.all(requests).then((responses) =>
      responses.map((r) => (r.statusCode === 200 ? '200' : `${r.statusCode} ${r.json().code}`)).sort(),
    );
  const oneWinner = (n: number) => ['200', ...Array<string>(n - 1).fill('401 AUTH_INVALID_CODE')];

  it('20 simultaneous /api/auth/token with the same TOTP code: exactly one 200', async () => {
    const account = await newEnrolled('race-totp');
    const code = nextCode(account);
    const statuses = await race(Array.from({ length: 20 }, () => token(account.email, code)));
    expect(statuses).toEqual(oneWinner(20));
  });

  it('20 simultaneous /api/auth/token with the same recovery code: exactly one 200', async () => {
    const account = await newEnrolled('race-recovery');
    const code = account.recoveryCodes[3] as string;
    const statuses = await race(Array.from({ length: 20 }, () => token(account.email, code)));
    expect(statuses).toEqual(oneWinner(20));
    expect(
      (await summary(bearer((await token(account.email, account.recoveryCodes[4])).json().accessToken)))
        .recoveryCodesLeft,
    ).toBe(8);
  });

  it('10 pending sign-ins verifying the same TOTP code at once: exactly one completes', async () => {
    const account = await newEnrolled('race-verify');
    const pendings = await Promise.all(
      Array.from({ length: 10 }, async () => bearer((await token(account.email)).json().accessToken)),
    );
    const code = nextCode(account);
    const statuses = await race(pendings.map((h) => call('POST', '/api/auth/mfa/verify', h, { code })));
    expect(statuses).toEqual(oneWinner(10));
  });
});

describe('administrators must hold a second factor', () => {
  const adminRoutes = (headers: Headers) => [
    call('GET', '/api/admin/collections', headers),
    call('GET', '/api/admin/bans', headers),
    call('POST', '/api/admin/collections', headers, { name: 'sneaky', fields: [] }),
  ];
  const ordinaryRoutes = (headers: Headers) => [
    call('GET', '/api/auth/sessions', headers),
    call('GET', '/api/keys', headers),
    call('GET', '/api/collections/x/records', headers),
  ];

  const newAdminAccount = async (label: string) => {
    const email = uniqueEmail(label);
    const created = await app.auth.accounts.createAdmin(email, PASSWORD);
    return { id: created.id, email };
  };

  it('an admin without a factor can only enrol; the enrol token stays restricted; a sign-in with code reaches admin routes', async () => {
    const admin = await newAdminAccount('admin-enrol');
    const signedIn = await token(admin.email);
    expect(signedIn.statusCode, signedIn.body).toBe(200);
    expect(signedIn.json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
    expect(signedIn.json().refreshToken).toBeUndefined();
    const enrolOnly = bearer(signedIn.json().accessToken);

    for (const response of await Promise.all([...adminRoutes(enrolOnly), ...ordinaryRoutes(enrolOnly)])) {
      expectEnrolmentRequired(response);
    }
    expect((await me(enrolOnly)).json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
    expect(await summary(enrolOnly)).toMatchObject({ required: true, enrolled: false });
    // A code is no way round enrolment: there is nothing to check it against.
    expectProblem(
      await call('POST', '/api/auth/mfa/verify', enrolOnly, { code: '123456' }),
      403,
      'AUTH_MFA_ENROLMENT_REQUIRED',
    );

    const { secret, step, code } = await enrol(enrolOnly);
    const account: Enrolled = { ...admin, secret, recoveryCodes: [], lastStep: step, codesSent: [code] };
    // The token made only to enrol is not upgraded by enrolling, and it no longer says "enrol
    // first" (which read as if enrolment had failed): it says to sign in again with the code.
    for (const response of await Promise.all([...adminRoutes(enrolOnly), ...ordinaryRoutes(enrolOnly)])) {
      expectSignInAgain(response);
    }
    // Nor is a code a way to upgrade it: the second step belongs to a new sign-in.
    expectSignInAgain(await call('POST', '/api/auth/mfa/verify', enrolOnly, { code: codeAtStep(secret, stepNow()) }));
    expect(await summary(enrolOnly)).toMatchObject({ required: true, enrolled: true, totp: true });
    expect(
      (await auditOf(app, admin.id)).filter(
        (entry) => entry.type === 'access.denied' && entry.details.code === 'AUTH_MFA_SIGN_IN_AGAIN',
      ).length,
    ).toBeGreaterThan(0);
    const passwordOnly = await token(admin.email);
    expect(passwordOnly.json()).toMatchObject({ mfaRequired: true });
    expect(passwordOnly.json()).not.toHaveProperty('mfaEnrolmentRequired');
    expectMfaRequired(await call('GET', '/api/admin/collections', bearer(passwordOnly.json().accessToken)));

    const full = await fullBearer(account);
    expect((await call('GET', '/api/admin/collections', full)).statusCode).toBe(200);
    expect((await call('GET', '/api/admin/bans', full)).statusCode).toBe(200);
    expect((await call('GET', '/api/auth/sessions', full)).statusCode).toBe(200);
  });

  it('a cookie-session admin gets a new, fully signed-in cookie when confirming', async () => {
    const admin = await newAdminAccount('admin-cookie');
    const first = await login(admin.email);
    expect(first.json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
    const enrolOnly = sessionTokenFrom(first) as string;
    const headers = await cookieHeaders(enrolOnly);
    expectEnrolmentRequired(await call('GET', '/api/admin/collections', headers));

    const { confirm } = await enrol(headers);
    const full = sessionTokenFrom(confirm) as string;
    expect(full).toBeTruthy();
    expect(full).not.toBe(enrolOnly);
    expect((await me({ cookie: cookieFor(enrolOnly) })).statusCode).toBe(401);
    expect((await me({ cookie: cookieFor(full) })).json()).toMatchObject({ mfaRequired: false });
    expect((await call('GET', '/api/admin/collections', { cookie: cookieFor(full) })).statusCode).toBe(200);
    expect((await call('GET', '/api/admin/bans', { cookie: cookieFor(full) })).statusCode).toBe(200);
  });

  it('a browser sign-in made only to enrol, when the factor was enrolled elsewhere, is told to sign in again', async () => {
    const admin = await newAdminAccount('admin-elsewhere');
    const browser = sessionTokenFrom(await login(admin.email)) as string;
    const headers = await cookieHeaders(browser);
    expectEnrolmentRequired(await call('GET', '/api/admin/collections', headers));

    await enrol(bearer((await token(admin.email)).json().accessToken));
    expectSignInAgain(await call('GET', '/api/admin/collections', headers));
    expectSignInAgain(await call('GET', '/api/auth/sessions', headers));
  });

  it('an admin cannot remove their last factor', async () => {
    const admin = await newAdminAccount('admin-last');
    const { secret, step, code } = await enrol(bearer((await token(admin.email)).json().accessToken));
    const account: Enrolled = { ...admin, secret, recoveryCodes: [], lastStep: step, codesSent: [code] };
    const full = await fullBearer(account);
    // Signed in with password and code just now: the step-up is satisfied, the policy is not.
    const removal = await call('DELETE', '/api/auth/mfa/totp', full);
    expectProblem(removal, 409, 'AUTH_LAST_FACTOR');
    expect(removal.json().type).toContain('last-factor');
    expect(await summary(full)).toMatchObject({ enrolled: true, totp: true });
  });

  it('with BULWARK_AUTH_MFA_REQUIRED_FOR_ADMINS=false an admin without a factor reaches admin routes', async () => {
    const relaxed = await createTestApp({ env: { BULWARK_AUTH_MFA_REQUIRED_FOR_ADMINS: 'false' } });
    try {
      const email = uniqueEmail('admin-relaxed');
      await relaxed.auth.accounts.createAdmin(email, PASSWORD);
      const rc = clientFor(() => relaxed);
      const signedIn = await rc.token(email);
      expect(signedIn.json()).toMatchObject({ mfaRequired: false, refreshToken: expect.any(String) });
      const headers = bearer(signedIn.json().accessToken);
      expect((await rc.call('GET', '/api/admin/collections', headers)).statusCode).toBe(200);
      expect((await rc.call('GET', '/api/admin/bans', headers)).statusCode).toBe(200);
      expect(await rc.summary(headers)).toMatchObject({ required: false, enrolled: false });
    } finally {
      await relaxed.close();
    }
  });
});

describe('BULWARK_AUTH_MFA_REQUIRED_FOR_ALL=true', () => {
  let strict: TestApp;
  const sc = clientFor(() => strict);
  beforeAll(async () => {
    strict = await createTestApp({ env: { BULWARK_AUTH_MFA_REQUIRED_FOR_ALL: 'true' } });
    await strict.http.ready();
  });
  afterAll(() => strict.close());

  it('a plain user must enrol before anything else, and then cannot remove the last factor', async () => {
    const email = uniqueEmail('all');
    const { id } = await sc.registerUser(email);
    const signedIn = await sc.token(email);
    expect(signedIn.json()).toMatchObject({ mfaRequired: true, mfaEnrolmentRequired: true });
    const enrolOnly = bearer(signedIn.json().accessToken);
    expectEnrolmentRequired(await sc.call('GET', '/api/auth/sessions', enrolOnly));
    expectEnrolmentRequired(await sc.call('GET', '/api/collections/x/records', enrolOnly));
    expect(await sc.summary(enrolOnly)).toMatchObject({ required: true, enrolled: false });

    const { secret, step, code } = await sc.enrol(enrolOnly);
    const account: Enrolled = { id, email, secret, recoveryCodes: [], lastStep: step, codesSent: [code] };
    expectSignInAgain(await sc.call('GET', '/api/auth/sessions', enrolOnly));
    expect((await sc.token(email)).json()).toMatchObject({ mfaRequired: true });
    const full = await sc.fullBearer(account);
    expect((await sc.call('GET', '/api/auth/sessions', full)).statusCode).toBe(200);
    expectProblem(await sc.call('DELETE', '/api/auth/mfa/totp', full), 409, 'AUTH_LAST_FACTOR');
  });
});

describe('step-up with a second factor', () => {
  it('reauth {code} reopens the window for sensitive actions such as creating an API key', async () => {
    const account = await newEnrolled('stepup-code');
    const headers = await fullBearer(account);
    await ageSessions(app, account.id);
    const createKey = () =>
      call('POST', '/api/keys', headers, { name: 'ci', scopes: ['profile:read'], expiresIn: 3600 });
    expectProblem(await createKey(), 403, 'AUTH_STEP_UP_REQUIRED');
    expectInvalidCode(await call('POST', '/api/auth/reauth', headers, { code: wrongCode(account.secret) }));
    expectProblem(await createKey(), 403, 'AUTH_STEP_UP_REQUIRED');
    // The code that signed in cannot be replayed for the step-up either.
    expectInvalidCode(await call('POST', '/api/auth/reauth', headers, { code: account.codesSent.at(-1) }));

    const stepped = await call('POST', '/api/auth/reauth', headers, { code: nextCode(account) });
    expect(stepped.statusCode, stepped.body).toBe(200);
    expect(Date.parse(stepped.json().reauthenticatedUntil)).toBeGreaterThan(Date.now());
    expect((await createKey()).statusCode).toBe(201);
  });

  it('a cookie reauth with a code rotates the session cookie; the old one is dead', async () => {
    const account = await newEnrolled('stepup-cookie');
    const signedIn = await login(account.email, nextCode(account));
    expect(signedIn.json().mfaRequired).toBe(false);
    const before = sessionTokenFrom(signedIn) as string;
    const stepped = await call('POST', '/api/auth/reauth', await cookieHeaders(before), { code: nextCode(account) });
    expect(stepped.statusCode, stepped.body).toBe(200);
    const after = sessionTokenFrom(stepped) as string;
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect((await me({ cookie: cookieFor(before) })).statusCode).toBe(401);
    expect((await me({ cookie: cookieFor(after) })).json()).toMatchObject({ mfaRequired: false });
  });

  it('removing TOTP needs a recent password and a recent factor; afterwards sign-in is one step and the recovery codes are gone', async () => {
    const account = await newEnrolled('remove');
    const headers = await fullBearer(account);
    await ageSessions(app, account.id);
    const remove = () => call('DELETE', '/api/auth/mfa/totp', headers);

    expectProblem(await remove(), 403, 'AUTH_STEP_UP_REQUIRED');
    expect((await call('POST', '/api/auth/reauth', headers, { password: PASSWORD })).statusCode).toBe(200);
    // The password alone is what a phished or stuffed account gives away: not enough.
    expectProblem(await remove(), 403, 'AUTH_STEP_UP_REQUIRED');
    expect(await summary(headers)).toMatchObject({ enrolled: true, totp: true });
    expect((await call('POST', '/api/auth/reauth', headers, { code: nextCode(account) })).statusCode).toBe(200);

    const removed = await remove();
    expect(removed.statusCode, removed.body).toBe(204);
    expect(await summary(headers)).toMatchObject({ enrolled: false, totp: false, recoveryCodesLeft: 0 });
    const leftover = await app.database.db
      .selectFrom('recovery_codes')
      .select('code_hash')
      .where('user_id', '=', account.id)
      .execute();
    expect(leftover).toEqual([]);
    expect(
      await app.database.db.selectFrom('totp_factors').select('user_id').where('user_id', '=', account.id).execute(),
    ).toEqual([]);
    expectProblem(await remove(), 404, 'AUTH_NOT_FOUND');

    const oneStep = await token(account.email);
    expect(oneStep.json()).toMatchObject({ mfaRequired: false, refreshToken: expect.any(String) });
    const cookie = await login(account.email);
    expect(cookie.json()).toMatchObject({ mfaRequired: false });
  });

  it('a non-enrolled user still steps up with the password alone (no factor is demanded of them)', async () => {
    const email = uniqueEmail('stepup-plain');
    const { id } = await registerUser(email);
    const headers = bearer((await token(email)).json().accessToken);
    await ageSessions(app, id);
    expectProblem(await call('POST', '/api/auth/mfa/recovery-codes', headers), 409, 'AUTH_MFA_STATE');
    expectProblem(
      await call('POST', '/api/keys', headers, { name: 'k', scopes: ['profile:read'], expiresIn: 3600 }),
      403,
      'AUTH_STEP_UP_REQUIRED',
    );
    expect((await call('POST', '/api/auth/reauth', headers, { password: PASSWORD })).statusCode).toBe(200);
    expect(
      (await call('POST', '/api/keys', headers, { name: 'k', scopes: ['profile:read'], expiresIn: 3600 })).statusCode,
    ).toBe(201);
  });
});

describe('audit: every step recorded for the user, no secret anywhere', () => {
  it('records enrolment, failures, the two steps, recovery use, step-up, regeneration and removal', async () => {
    const email = uniqueEmail('audit');
    const { id } = await registerUser(email);
    const enrolHeaders = bearer((await token(email)).json().accessToken);
    const setup = await call('POST', '/api/auth/mfa/totp/setup', enrolHeaders);
    const secret = setup.json().secret as string;
    const badConfirm = wrongCode(secret);
    expectInvalidCode(await call('POST', '/api/auth/mfa/totp/confirm', enrolHeaders, { code: badConfirm }));
    await awayFromStepBoundary();
    const confirmStep = stepNow() - 1;
    const confirmCode = codeAtStep(secret, confirmStep);
    const confirm = await call('POST', '/api/auth/mfa/totp/confirm', enrolHeaders, { code: confirmCode });
    expect(confirm.statusCode, confirm.body).toBe(200);
    const account: Enrolled = {
      id,
      email,
      secret,
      recoveryCodes: confirm.json().recoveryCodes,
      lastStep: confirmStep,
      codesSent: [badConfirm, confirmCode],
    };

    const pending = bearer((await token(email)).json().accessToken);
    const badVerify = wrongCode(secret);
    account.codesSent.push(badVerify);
    expectInvalidCode(await call('POST', '/api/auth/mfa/verify', pending, { code: badVerify }));
    const verified = await call('POST', '/api/auth/mfa/verify', pending, { code: nextCode(account) });
    expect(verified.statusCode).toBe(200);
    const full = bearer(verified.json().accessToken);

    expect((await token(email, account.recoveryCodes[0])).statusCode).toBe(200);
    const stepUp = await call('POST', '/api/auth/reauth', full, { password: PASSWORD, code: nextCode(account) });
    expect(stepUp.statusCode, stepUp.body).toBe(200);
    const regenerated = await call('POST', '/api/auth/mfa/recovery-codes', full);
    expect(regenerated.statusCode).toBe(200);
    account.recoveryCodes.push(...(regenerated.json().recoveryCodes as string[]));
    expect((await call('DELETE', '/api/auth/mfa/totp', full)).statusCode).toBe(204);

    const events = await auditOf(app, id);
    const types = events.map((e) => e.type);
    for (const type of [
      'auth.mfa.totp.setup',
      'auth.mfa.totp.enrolled',
      'auth.mfa.failure',
      'auth.mfa.success',
      'auth.mfa.completed',
      'auth.mfa.recovery_code_used',
      'auth.reauth.success',
      'auth.mfa.recovery_codes.regenerated',
      'auth.mfa.totp.removed',
    ]) {
      expect(types, type).toContain(type);
    }
    expect(events.filter((e) => e.type === 'auth.mfa.failure').map((e) => e.details.purpose)).toEqual([
      'totp-confirm',
      'sign-in',
    ]);
    expect(events.filter((e) => e.type === 'auth.mfa.success').map((e) => e.details)).toEqual([
      { purpose: 'sign-in', method: 'totp' },
      { purpose: 'sign-in', method: 'recovery' },
      { purpose: 'step-up', method: 'totp' },
    ]);
    expect(events.find((e) => e.type === 'auth.mfa.recovery_code_used')?.details).toMatchObject({ remaining: 9 });
    expect(events.find((e) => e.type === 'auth.mfa.completed')?.details).toMatchObject({ method: 'totp' });
    const logins = events.filter((e) => e.type === 'auth.login.success').map((e) => e.details);
    expect(logins).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ via: 'bearer', method: 'password', stage: 'full' }),
        expect.objectContaining({ via: 'bearer', method: 'password', stage: 'mfa' }),
        expect.objectContaining({ via: 'bearer', method: 'second-step', stage: 'full' }),
      ]),
    );
    expect(events.find((e) => e.type === 'auth.reauth.success')?.details).toMatchObject({
      password: true,
      factor: true,
    });
    expect(events.find((e) => e.type === 'auth.mfa.totp.removed')?.details).toMatchObject({ stillEnrolled: false });

    // No secret, code or recovery code in any audit row (any actor) nor in the logs.
    const allAudit = JSON.stringify(
      await app.database.db.selectFrom('audit_log').select(['details', 'type']).execute(),
    );
    const logs = app.logs.text;
    const bytes = Buffer.from(decodeBase32IgnorePadding(secret));
    const secretForms = [secret, secret.toLowerCase(), bytes.toString('hex'), bytes.toString('base64')];
    const recoveryForms = account.recoveryCodes.flatMap((c) => [c, c.replace('-', ''), c.toUpperCase()]);
    for (const text of [allAudit, logs]) {
      for (const form of [...secretForms, ...recoveryForms]) expect(text).not.toContain(form);
      // Six-digit codes as whole numbers (timestamps and hashes hold digit runs of their own).
      for (const code of account.codesSent) expect(text).not.toMatch(new RegExp(`(?<![\\d.])${code}(?![\\d.])`));
    }
  });
});
