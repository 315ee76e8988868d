import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { describe, expect, it } from 'vitest';
import { PASSWORD, uniqueEmail } from '../helpers/auth-client.js';
import { bearer } from '../helpers/collections-client.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  auditOf,
  awayFromStepBoundary,
  codeAtStep,
  type Enrolled,
  expectInvalidCode,
  stepNow,
  useTotpApp,
  wrongCode,
} from '../helpers/totp-attack-client.js';

/**
 * The audit trail of TOTP: every step recorded for the user, and no secret, code or recovery code
 * in the audit log or the logs.
 */

let app: TestApp;
const { call, registerUser, token, nextCode } = useTotpApp((created) => {
  app = created;
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
