import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTotpCode, totpCode } from '../../../test/helpers/mfa-client.js';
import {
  bearerClient,
  cookieClient,
  createNotes,
  PASSWORD,
  type RunningServer,
  startServer,
  uniqueEmail,
} from './server.js';

let server: RunningServer;
beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

/** A user who enrolled TOTP through the client; the codes it spent so far. */
async function userWithTotp() {
  const { client } = bearerClient(server.url);
  const email = uniqueEmail('mfa');
  await client.auth.signUp({ email, password: PASSWORD });
  await client.auth.signIn({ email, password: PASSWORD });
  const { secret, otpauthUrl } = await client.mfa.setupTotp();
  expect(otpauthUrl).toMatch(/^otpauth:\/\/totp\//);
  const used = new Set<string>();
  const code = freshTotpCode(secret, used);
  used.add(code);
  const { recoveryCodes } = await client.mfa.confirmTotp(code);
  expect(recoveryCodes).toHaveLength(10);
  expect(await client.mfa.status()).toMatchObject({ enrolled: true, totp: true, recoveryCodesLeft: 10 });
  return { email, secret, used, recoveryCodes };
}

describe('the second step', () => {
  it('bearer: a password sign-in owes the code; the restricted sign-in cannot read data nor refresh', async () => {
    const { email, secret, used } = await userWithTotp();
    const { client, calls } = bearerClient(server.url);

    expect(await client.auth.signIn({ email, password: PASSWORD })).toEqual({ stage: 'second-factor-required' });
    expect(client.tokens?.refreshToken).toBeUndefined();
    await expect(client.collection('notes').list()).rejects.toMatchObject({ code: 'AUTH_MFA_REQUIRED', status: 401 });
    expect(calls).not.toContain('POST /api/auth/refresh');

    expect(await client.auth.verifySecondFactor(freshTotpCode(secret, used))).toEqual({ stage: 'signed-in' });
    expect(client.tokens?.refreshToken).toMatch(/^bwr_/);
    expect((await client.collection('notes').list()).items).toEqual([]);
    expect((await client.auth.me()).mfaRequired).toBe(false);
  });

  it('cookie: a recovery code completes the sign-in, and the new session gets its own CSRF token', async () => {
    const { email, recoveryCodes } = await userWithTotp();
    const { client, calls } = cookieClient(server.url);

    const first = await client.auth.signIn({ email, password: PASSWORD });
    expect(first.stage).toBe('second-factor-required');
    const second = await client.auth.verifySecondFactor(recoveryCodes[0] as string);
    expect(second.stage).toBe('signed-in');
    const userId = second.user?.id as string;
    await client.collection('notes').create({ title: 'after the second step', owner: userId });
    // The restricted session's token served the second step; the full session has a new one.
    expect(calls.filter((call) => call !== 'POST /api/auth/register')).toEqual([
      'POST /api/auth/login',
      'GET /api/auth/csrf',
      'POST /api/auth/mfa/verify',
      'GET /api/auth/csrf',
      'POST /api/collections/notes/records',
    ]);
    expect((await client.mfa.status()).recoveryCodesLeft).toBe(9);
  });

  it('a wrong code is refused with a typed error and the sign-in still owes its step', async () => {
    const { email, secret } = await userWithTotp();
    const { client } = bearerClient(server.url);
    await client.auth.signIn({ email, password: PASSWORD });
    const accepted = new Set([-1, 0, 1].map((offset) => totpCode(secret, offset)));
    const wrong = ['000000', '111111', '222222', '333333'].find((code) => !accepted.has(code)) as string;
    await expect(client.auth.verifySecondFactor(wrong)).rejects.toMatchObject({
      code: 'AUTH_INVALID_CODE',
      status: 401,
    });
    expect((await client.auth.me()).mfaRequired).toBe(true);
  });
});
