import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { ageSessions, expectInvalidCode, useTotpApp } from '../helpers/totp-attack-client.js';

/**
 * Recovery codes: each signs in once, regenerating them needs a recent password and a factor and
 * kills the old ones, and none exist without an enrolled factor.
 */

let app: TestApp;
const { call, registerUser, token, summary, newEnrolled, nextCode, fullBearer } = useTotpApp((created) => {
  app = created;
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
