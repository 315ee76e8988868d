import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';
import { ageSessions, expectInvalidCode, useTotpApp, wrongCode } from '../helpers/totp-attack-client.js';

/**
 * TOTP enrolment: an authenticator is only trusted once it proved it holds the secret, neither the
 * secret nor the recovery codes are kept in clear, and a stolen old session cannot attach its own
 * authenticator.
 */

let app: TestApp;
const { call, registerUser, token, summary, newEnrolled } = useTotpApp((created) => {
  app = created;
});

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
