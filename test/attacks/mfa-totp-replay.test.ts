import type { LightMyRequestResponse } from 'fastify';
import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/auth-client.js';
import { bearer } from '../helpers/collections-client.js';
import { totpCode } from '../helpers/mfa-client.js';
import type { TestApp } from '../helpers/test-app.js';
import {
  awayFromStepBoundary,
  codeAtStep,
  expectInvalidCode,
  stepNow,
  useTotpApp,
} from '../helpers/totp-attack-client.js';

/**
 * Replay of TOTP and recovery codes: every step is spent once, one step of clock skew is the whole
 * window, and of many simultaneous sign-ins with one code exactly one wins (ASVS V2.3.4, V6.5.1).
 */

let app: TestApp;
const { call, registerUser, token, me, summary, newEnrolled, nextCode } = useTotpApp((created) => {
  app = created;
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
