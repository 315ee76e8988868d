import { describe, expect, it } from 'vitest';
import { login, PASSWORD, register, uniqueEmail } from '../helpers/auth-client.js';
import { expectNoSession, expectProblem, useOidcApp } from '../helpers/oidc-flow.js';
import type { OidcTestAccount } from '../helpers/oidc-provider.js';

/**
 * Taking over or duplicating an account through an OIDC sign-in: racing first sign-ins, a
 * provider's email claiming a local account (trusted or not, proved or not), unverified emails.
 * Identities are keyed on issuer and subject (OWASP ASVS 5.0 V6.8.1, V10.5.2).
 */

describe('OIDC sign-in (authorization code with PKCE, state and nonce)', () => {
  const {
    app,
    provider,
    accounts,
    account,
    start,
    authorize,
    callback,
    signInVia,
    expectSignedIn,
    userByEmail,
    identitiesOfSubject,
    auditOf,
    sessionCount,
  } = useOidcApp();

  describe('accounts', () => {
    it('two simultaneous first sign-ins of one identity make one account, and neither answers 500', async () => {
      const email = uniqueEmail('twice');
      const subject = account('twice', email);
      const flows = await Promise.all([start('test'), start('test'), start('test')]);
      const backs = await Promise.all(flows.map((flow) => authorize(flow, subject)));
      const answers = await Promise.all(backs.map((back, i) => callback(back, flows[i]?.stateCookie)));
      for (const answer of answers) expect(answer.statusCode, answer.body).toBeLessThan(500);
      expect(answers.filter((answer) => answer.statusCode === 303).length).toBeGreaterThanOrEqual(1);
      const rows = await app.database.db.selectFrom('users').select('id').where('email', '=', email).execute();
      expect(rows).toHaveLength(1);
      expect((await identitiesOfSubject(subject)).map((identity) => identity.user_id)).toEqual([rows[0]?.id]);
    });

    it('a new user gets a verified account without a password', async () => {
      const email = uniqueEmail('newcomer');
      const subject = account('newcomer', email);
      const { me } = await expectSignedIn(
        await signInVia('test', subject, '?next=/welcome'),
        'http://localhost/welcome',
      );
      expect(me.user).toMatchObject({ email, verified: true, role: 'user', name: 'newcomer' });
      expect(me.mfaRequired).toBe(false);

      const row = await userByEmail(email);
      expect(row).toMatchObject({ id: me.user.id, verified: 1, password_hash: null, disabled: 0 });
      expect(await identitiesOfSubject(subject)).toEqual([
        expect.objectContaining({ issuer: provider.issuer, subject, user_id: me.user.id, provider: 'test', email }),
      ]);
      // No password was set, so none signs in.
      expect((await login(app, email, PASSWORD)).statusCode).toBe(401);

      const success = (await auditOf('auth.oidc.success')).find((entry) => entry.actor === me.user.id);
      expect(success?.details).toMatchObject({
        provider: 'test',
        issuer: provider.issuer,
        subject,
        outcome: 'created',
      });
      const loginSuccess = (await auditOf('auth.login.success')).find((entry) => entry.actor === me.user.id);
      expect(loginSuccess?.details).toMatchObject({ method: 'oidc', via: 'cookie', stage: 'full' });
    });

    it('the same issuer and subject sign in to the same account, even after the provider’s email changes', async () => {
      const email = uniqueEmail('changer');
      const subject = account('changer', email);
      const first = await expectSignedIn(await signInVia('test', subject));

      const again = await expectSignedIn(await signInVia('test', subject));
      expect(again.me.user.id).toBe(first.me.user.id);
      expect(again.token).not.toBe(first.token);

      const newEmail = uniqueEmail('changed');
      (accounts[subject] as OidcTestAccount).email = newEmail;
      const changed = await expectSignedIn(await signInVia('test', subject));
      expect(changed.me.user.id).toBe(first.me.user.id);
      expect(await userByEmail(newEmail)).toBeUndefined();
      // The other registration at the same issuer is the same identity too.
      const viaTrusted = await expectSignedIn(await signInVia('trusted', subject));
      expect(viaTrusted.me.user.id).toBe(first.me.user.id);
      expect(await identitiesOfSubject(subject)).toHaveLength(1);
      const outcomes = (await auditOf('auth.oidc.success'))
        .filter((entry) => entry.actor === first.me.user.id)
        .map((entry) => entry.details.outcome);
      expect(outcomes.sort()).toEqual(['created', 'existing-identity', 'existing-identity', 'existing-identity']);

      // A different subject claiming the first one's original email gets nothing of that account.
      const other = account('same-email-other-subject', email);
      const refused = await signInVia('test', other);
      expectProblem(refused, 409, 'oidc-account-exists');
      expectNoSession(refused);
      expect(await identitiesOfSubject(other)).toEqual([]);
    });

    it('a provider not trusted for email does not take over a local account with that email', async () => {
      const email = uniqueEmail('victim');
      await register(app, email);
      const before = await userByEmail(email);
      const subject = account('squatter', email);
      const sessionsBefore = await sessionCount();

      const response = await signInVia('test', subject);
      expectProblem(response, 409, 'oidc-account-exists');
      expectNoSession(response);
      expect(await sessionCount()).toBe(sessionsBefore);
      expect(await userByEmail(email)).toEqual(before);
      expect(await identitiesOfSubject(subject)).toEqual([]);
      expect((await login(app, email)).statusCode).toBe(200);
      const failure = (await auditOf('auth.oidc.failure')).at(0);
      expect(failure?.details).toMatchObject({ provider: 'test' });
    });

    it('a provider trusted for email does not link a local account whose owner never proved the address (pre-hijacking)', async () => {
      // Someone registers the victim's address in advance; the victim later signs in through
      // the trusted provider and must not land in (and share) the squatter's account.
      const email = uniqueEmail('squatted');
      const squatter = await register(app, email);
      const subject = account('squatted', email);
      const response = await signInVia('trusted', subject);
      expectProblem(response, 409, 'oidc-account-exists');
      expectNoSession(response);
      expect(await identitiesOfSubject(subject)).toEqual([]);
      expect((await userByEmail(email))?.id).toBe(squatter.id);
    });

    it('a provider trusted for email links the local account with that verified email', async () => {
      const email = uniqueEmail('owner');
      const local = await register(app, email);
      // The owner proved the address (the mailed link, when mail is on).
      await app.database.db.updateTable('users').set({ verified: 1 }).where('id', '=', local.id).execute();
      const before = await userByEmail(email);
      const subject = account('owner', email);

      const { me } = await expectSignedIn(await signInVia('trusted', subject));
      expect(me.user.id).toBe(local.id);
      expect(await userByEmail(email)).toEqual(before); // password kept, nothing else changed
      expect(await identitiesOfSubject(subject)).toEqual([
        expect.objectContaining({ issuer: provider.issuer, user_id: local.id, provider: 'trusted' }),
      ]);
      const linked = (await auditOf('auth.oidc.linked')).find((entry) => entry.actor === local.id);
      expect(linked?.details).toMatchObject({ provider: 'trusted', outcome: 'linked-by-email' });
      // From now on the identity is the key, through either registration.
      expect((await expectSignedIn(await signInVia('test', subject))).me.user.id).toBe(local.id);
    });

    it('an unverified provider email neither creates an account nor links one', async () => {
      const fresh = uniqueEmail('unverified');
      const subject = account('unverified', fresh, false);
      for (const name of ['test', 'trusted']) {
        const response = await signInVia(name, subject);
        expectProblem(response, 401, 'oidc-failed');
        expectNoSession(response);
      }
      expect(await userByEmail(fresh)).toBeUndefined();

      const email = uniqueEmail('unverified-victim');
      await register(app, email);
      const before = await userByEmail(email);
      const claimer = account('unverified-claimer', email, false);
      const response = await signInVia('trusted', claimer);
      expectProblem(response, 401, 'oidc-failed');
      expectNoSession(response);
      expect(await userByEmail(email)).toEqual(before);
      expect([...(await identitiesOfSubject(subject)), ...(await identitiesOfSubject(claimer))]).toEqual([]);
    });
  });
});
