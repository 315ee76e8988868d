import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';
import { auditOf, clientFor, expectInvalidCode, wrongCode } from '../helpers/totp-attack-client.js';

/**
 * Brute force of the second factor: wrong codes count towards the account failure limit wherever
 * they are sent, and a fresh password sign-in does not reset the count.
 */

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
