import { describe, expect, it } from 'vitest';
import { cookieFor, PASSWORD, sessionTokenFrom, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { ageSessions, expectInvalidCode, useTotpApp, wrongCode } from '../helpers/totp-attack-client.js';

/**
 * Step-up with a second factor: a code reopens the window for sensitive actions and rotates the
 * cookie; removing TOTP needs a recent password and factor; a user without a factor steps up with
 * the password alone.
 */

let app: TestApp;
const { call, registerUser, token, login, cookieHeaders, me, summary, newEnrolled, nextCode, fullBearer } = useTotpApp(
  (created) => {
    app = created;
  },
);

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

    const refused = await remove();
    expectProblem(refused, 403, 'AUTH_STEP_UP_REQUIRED');
    // Named for clients, which then ask for exactly that (the dashboard's step-up dialog).
    expect(refused.json().stepUpWith).toEqual(['password', 'code']);
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
