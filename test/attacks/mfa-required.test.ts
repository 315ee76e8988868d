import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cookieFor, PASSWORD, sessionTokenFrom, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import {
  auditOf,
  clientFor,
  codeAtStep,
  type Enrolled,
  expectEnrolmentRequired,
  expectMfaRequired,
  expectSignInAgain,
  type Headers,
  stepNow,
  useTotpApp,
} from '../helpers/totp-attack-client.js';

/**
 * A second factor that must be held: administrators (by default) and, with
 * BULWARK_AUTH_MFA_REQUIRED_FOR_ALL, every user can only enrol until they have one, and cannot
 * remove the last.
 */

let app: TestApp;
const { call, token, login, cookieHeaders, me, summary, enrol, fullBearer } = useTotpApp((created) => {
  app = created;
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
