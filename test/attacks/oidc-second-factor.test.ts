import { describe, expect, it } from 'vitest';
import { cookieFor, PASSWORD, register, sessionTokenFrom, signIn, uniqueEmail } from '../helpers/auth-client.js';
import { enrolTotp, freshTotpCode } from '../helpers/mfa-client.js';
import { expectProblem, useOidcApp } from '../helpers/oidc-flow.js';

/**
 * Getting past the second factor by signing in through the provider: a user with TOTP gets a
 * pending session, an administrator without a factor may only enrol one (OWASP ASVS 5.0 V6.3.3).
 */

describe('OIDC sign-in (authorization code with PKCE, state and nonce)', () => {
  const { app, send, account, signInVia, expectSignedIn, auditOf } = useOidcApp();

  describe('second factors', () => {
    it('a user with TOTP gets a pending session and completes it with a code', async () => {
      const email = uniqueEmail('totp');
      await register(app, email);
      const local = await signIn(app, email);
      const subject = account('totp', uniqueEmail('totp-at-provider'));
      const linked = await expectSignedIn(await signInVia('test', subject, '?link=true', local.cookie));
      const csrfToken = (await app.http.inject({ url: '/api/auth/csrf', headers: { cookie: linked.cookie } })).json()
        .token;
      const { secret, confirmCode } = await enrolTotp(send, { cookie: linked.cookie, 'x-csrf-token': csrfToken });

      const response = await signInVia('test', subject, '?next=/after-mfa');
      const pending = await expectSignedIn(response, 'http://localhost/after-mfa');
      expect(pending.me).toMatchObject({ user: { id: local.user.id }, mfaRequired: true });
      const sessions = await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: pending.cookie } });
      expectProblem(sessions, 401, 'mfa-required');
      const loginAudit = (await auditOf('auth.login.success')).find((entry) => entry.actor === local.user.id);
      expect(loginAudit?.details).toMatchObject({ method: 'oidc', stage: 'mfa' });

      const csrf = await app.http.inject({ url: '/api/auth/csrf', headers: { cookie: pending.cookie } });
      expect(csrf.statusCode, csrf.body).toBe(200);
      const pendingHeaders = { cookie: pending.cookie, 'x-csrf-token': csrf.json().token };
      const wrong = await send('POST', '/api/auth/mfa/verify', pendingHeaders, { code: '000000' });
      expect(wrong.status, wrong.text).toBe(401);
      const verify = await app.http.inject({
        method: 'POST',
        url: '/api/auth/mfa/verify',
        headers: pendingHeaders,
        payload: { code: freshTotpCode(secret, new Set([confirmCode])) },
      });
      expect(verify.statusCode, verify.body).toBe(200);
      const full = sessionTokenFrom(verify) as string;
      expect(full).toBeTruthy();
      expect(full).not.toBe(pending.token);
      const me = await app.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(full) } });
      expect(me.json()).toMatchObject({ user: { id: local.user.id }, mfaRequired: false });
      expect(
        (await app.http.inject({ url: '/api/auth/sessions', headers: { cookie: cookieFor(full) } })).statusCode,
      ).toBe(200);
      // The pending session is gone.
      expect((await app.http.inject({ url: '/api/auth/me', headers: { cookie: pending.cookie } })).statusCode).toBe(
        401,
      );
    });

    it('an administrator without a factor who signs in through the provider may only enrol one', async () => {
      const email = uniqueEmail('admin');
      const admin = await app.auth.accounts.createAdmin(email, PASSWORD);
      const subject = account('admin', email);
      // Linked by the provider trusted for email; afterwards the identity alone is the key.
      for (const name of ['trusted', 'test']) {
        const { me, cookie } = await expectSignedIn(await signInVia(name, subject));
        expect(me).toMatchObject({
          user: { id: admin.id, role: 'admin' },
          mfaRequired: true,
          mfaEnrolmentRequired: true,
        });
        const adminRoute = await app.http.inject({ url: '/api/admin/collections', headers: { cookie } });
        expectProblem(adminRoute, 403, 'mfa-enrolment-required');
      }
      const loginAudit = (await auditOf('auth.login.success')).filter((entry) => entry.actor === admin.id);
      expect(loginAudit.map((entry) => entry.details)).toEqual([
        expect.objectContaining({ method: 'oidc', stage: 'enrol' }),
        expect.objectContaining({ method: 'oidc', stage: 'enrol' }),
      ]);
    });
  });
});
