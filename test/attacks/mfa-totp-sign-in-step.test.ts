import { describe, expect, it } from 'vitest';
import { cookieFor, PASSWORD, sessionTokenFrom } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  expectInvalidCode,
  expectMfaRequired,
  type Headers,
  useTotpApp,
  wrongCode,
} from '../helpers/totp-attack-client.js';

/**
 * The second step of a password sign-in: a password alone opens nothing but the second step (cookie
 * and bearer), completing it issues a new session, and a wrong code issues nothing.
 */

let app: TestApp;
const { call, token, login, cookieHeaders, me, newEnrolled, nextCode } = useTotpApp((created) => {
  app = created;
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
