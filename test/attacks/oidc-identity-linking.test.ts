import { beforeAll, describe, expect, it } from 'vitest';
import { register, type SignedIn, setCookies, signIn, uniqueEmail } from '../helpers/auth-client.js';
import { expectProblem, STATE_COOKIE, useOidcApp } from '../helpers/oidc-flow.js';

/**
 * Attaching an identity to someone else's account: linking (?link=true) needs a signed-in,
 * recent, same-origin session and never moves an identity already linked elsewhere.
 */

describe('OIDC sign-in (authorization code with PKCE, state and nonce)', () => {
  const { app, account, signInVia, expectSignedIn, identitiesOfSubject, auditOf } = useOidcApp();

  describe('linking (?link=true)', () => {
    let owner: SignedIn;
    let linkSubject: string;

    beforeAll(async () => {
      const email = uniqueEmail('linker');
      await register(app, email);
      owner = await signIn(app, email);
      // The provider's email differs from the account's: linking does not depend on it.
      linkSubject = account('linker', uniqueEmail('linker-at-provider'));
    });

    it('needs a signed-in session', async () => {
      const response = await app.http.inject({ url: '/api/auth/oidc/test/start?link=true' });
      expectProblem(response, 401, 'unauthenticated');
      expect(setCookies(response).some((line) => line.startsWith(STATE_COOKIE))).toBe(false);
    });

    it('is refused when a cross-site page starts it (an attacker attaching their identity)', async () => {
      const fresh = await signIn(app, (await register(app, uniqueEmail('lured-linker'))).email);
      for (const site of ['cross-site', 'same-site']) {
        const response = await app.http.inject({
          url: '/api/auth/oidc/test/start?link=true',
          headers: { cookie: fresh.cookie, 'sec-fetch-site': site },
        });
        expectProblem(response, 403, 'csrf');
        expect(setCookies(response).some((line) => line.startsWith(STATE_COOKIE))).toBe(false);
      }
    });

    it('needs a recent sign-in', async () => {
      const stale = await signIn(app, (await register(app, uniqueEmail('stale-linker'))).email);
      await app.database.db
        .updateTable('sessions')
        .set({ reauth_ms: Date.now() - 24 * 3600_000, factor_ms: null })
        .where('user_id', '=', stale.user.id)
        .execute();
      const response = await app.http.inject({
        url: '/api/auth/oidc/test/start?link=true',
        headers: { cookie: stale.cookie },
      });
      expectProblem(response, 403, 'step-up-required');
    });

    it('links the provider to the signed-in account', async () => {
      const response = await signInVia('test', linkSubject, '?link=true&next=/account', owner.cookie);
      const { me, cookie } = await expectSignedIn(response, 'http://localhost/account');
      expect(me.user.id).toBe(owner.user.id);
      expect(await identitiesOfSubject(linkSubject)).toEqual([
        expect.objectContaining({ user_id: owner.user.id, provider: 'test' }),
      ]);
      const linked = (await auditOf('auth.oidc.linked')).find((entry) => entry.actor === owner.user.id);
      expect(linked?.details).toMatchObject({ provider: 'test', outcome: 'linked-signed-in' });
      // The sign-in replaced the browser's session (a new id), it did not add to it.
      expect((await app.http.inject({ url: '/api/auth/me', headers: { cookie: owner.cookie } })).statusCode).toBe(401);
      owner = { ...owner, cookie, token: cookie.split('=')[1] as string };

      // Afterwards the provider alone signs in to that account.
      const alone = await expectSignedIn(await signInVia('test', linkSubject));
      expect(alone.me.user.id).toBe(owner.user.id);
    });

    it('does not move an identity linked to another account', async () => {
      const other = await signIn(app, (await register(app, uniqueEmail('other-linker'))).email);
      const response = await signInVia('test', linkSubject, '?link=true', other.cookie);
      expectProblem(response, 401, 'oidc-failed');
      expect(await identitiesOfSubject(linkSubject)).toEqual([expect.objectContaining({ user_id: owner.user.id })]);
    });
  });
});
