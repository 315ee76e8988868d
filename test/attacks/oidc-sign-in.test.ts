import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cookieFor,
  login,
  PASSWORD,
  register,
  type SignedIn,
  sessionSetCookie,
  sessionTokenFrom,
  setCookies,
  signIn,
  uniqueEmail,
} from '../helpers/auth-client.js';
import { enrolTotp, freshTotpCode, injectSend, type Send } from '../helpers/mfa-client.js';
import { type OidcTestAccount, type OidcTestProvider, startOidcProvider } from '../helpers/oidc-provider.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

const STATE_COOKIE = '__Host-bulwark_oidc';
/** Two relying-party registrations at the same provider: one plain, one trusted for email. */
const CLIENT_SECRET = 'oidc-test-client-secret-0f9e8d7c6b5a4938';
const TRUSTED_CLIENT_SECRET = 'oidc-trusted-client-secret-1a2b3c4d5e6f7081';
/** light-my-request's Host is `localhost:80`; the server normalises the default port away. */
const callbackUri = (name: string) => `http://localhost/api/auth/oidc/${name}/callback`;

interface Flow {
  /** The provider's authorization URL the start route redirected to. */
  authorizationUrl: URL;
  /** The state, as bound to the browser by the cookie. */
  state: string;
  /** `Cookie` header value carrying the state cookie. */
  stateCookie: string;
  /** The raw Set-Cookie line of the state cookie. */
  setCookieLine: string;
}

function expectProblem(response: LightMyRequestResponse, status: number, slug: string): void {
  expect(response.statusCode, response.body).toBe(status);
  expect(response.json().type, response.body).toContain(slug);
}

/** A response that signs nobody in: no session cookie (or only one that clears it). */
function expectNoSession(response: LightMyRequestResponse): void {
  expect(sessionTokenFrom(response) ?? '', String(sessionSetCookie(response))).toBe('');
}

describe('OIDC sign-in (authorization code with PKCE, state and nonce)', () => {
  let app: TestApp;
  let provider: OidcTestProvider;
  let send: Send;
  const accounts: Record<string, OidcTestAccount> = {};

  beforeAll(async () => {
    provider = await startOidcProvider({
      clients: [
        { clientId: 'bulwark', clientSecret: CLIENT_SECRET, redirectUris: [callbackUri('test')] },
        { clientId: 'bulwark-trusted', clientSecret: TRUSTED_CLIENT_SECRET, redirectUris: [callbackUri('trusted')] },
      ],
      accounts,
    });
    app = await createTestApp({
      logLevel: 'debug',
      env: {
        ...provider.outboundEnv,
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'test', issuer: provider.issuer, clientId: 'bulwark', clientSecret: CLIENT_SECRET },
          {
            name: 'trusted',
            issuer: provider.issuer,
            clientId: 'bulwark-trusted',
            clientSecret: TRUSTED_CLIENT_SECRET,
            trustedForEmail: true,
          },
        ]),
      },
    });
    send = injectSend(app);
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  /** A provider account under a fresh subject; returns the subject. */
  function account(label: string, email: string, emailVerified = true): string {
    const subject = `${label}-${Object.keys(accounts).length}`;
    accounts[subject] = { email, emailVerified, name: label };
    return subject;
  }

  async function start(name = 'test', query = '', cookie?: string): Promise<Flow> {
    const response = await app.http.inject({
      url: `/api/auth/oidc/${name}/start${query}`,
      ...(cookie ? { headers: { cookie } } : {}),
    });
    expect(response.statusCode, response.body).toBe(302);
    const setCookieLine = setCookies(response).find((line) => line.startsWith(`${STATE_COOKIE}=`));
    expect(setCookieLine).toBeDefined();
    const state = response.cookies.find((cookie) => cookie.name === STATE_COOKIE)?.value as string;
    return {
      authorizationUrl: new URL(String(response.headers.location)),
      state,
      stateCookie: `${STATE_COOKIE}=${state}`,
      setCookieLine: setCookieLine as string,
    };
  }

  /** The provider's redirect back (`callback?code=…&state=…&iss=…`) after `subject` consents. */
  async function authorize(flow: Flow, subject: string): Promise<URL> {
    return new URL(await provider.authorize(flow.authorizationUrl.href, subject));
  }

  function callback(back: URL, cookie?: string): Promise<LightMyRequestResponse> {
    return app.http.inject({ url: `${back.pathname}${back.search}`, ...(cookie ? { headers: { cookie } } : {}) });
  }

  /** The whole flow in one browser; returns the callback's response. */
  async function signInVia(name: string, subject: string, query = '', cookie?: string) {
    const flow = await start(name, query, cookie);
    const back = await authorize(flow, subject);
    return callback(back, cookie ? `${flow.stateCookie}; ${cookie}` : flow.stateCookie);
  }

  async function expectSignedIn(response: LightMyRequestResponse, location = '/') {
    if (response.statusCode !== 303) {
      console.log(app.logs.lines.filter((line) => line.includes('OIDC')).slice(-3));
    }
    expect(response.statusCode, response.body).toBe(303);
    expect(response.headers.location).toBe(location);
    const token = sessionTokenFrom(response);
    expect(token).toBeTruthy();
    const me = await app.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(token as string) } });
    expect(me.statusCode, me.body).toBe(200);
    return { token: token as string, cookie: cookieFor(token as string), me: me.json() };
  }

  const userByEmail = (email: string) =>
    app.database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  const identitiesOfSubject = (subject: string) =>
    app.database.db.selectFrom('oidc_identities').selectAll().where('subject', '=', subject).execute();
  const auditOf = async (type: string) => (await app.audit.listRecent(1000)).filter((entry) => entry.type === type);
  const sessionCount = async () =>
    Number(
      (
        await app.database.db
          .selectFrom('sessions')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirst()
      )?.n,
    );

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

  describe('the flow', () => {
    it('binds the state to the browser with a __Host- cookie: HttpOnly, Secure, SameSite=Lax', async () => {
      const flow = await start();
      const [pair, ...attributes] = flow.setCookieLine.split(';').map((part) => part.trim());
      expect(pair).toBe(flow.stateCookie);
      const lower = attributes.map((attribute) => attribute.toLowerCase());
      expect(lower).toContain('httponly');
      expect(lower).toContain('secure');
      expect(lower).toContain('samesite=lax');
      expect(lower).toContain('path=/');
      expect(lower.some((attribute) => attribute.startsWith('domain'))).toBe(false);
      expect(flow.state.length).toBeGreaterThanOrEqual(32);
    });

    it('sends the provider PKCE (S256), a state and a nonce', async () => {
      const first = await start();
      const second = await start();
      for (const flow of [first, second]) {
        const params = flow.authorizationUrl.searchParams;
        expect(flow.authorizationUrl.origin).toBe(provider.issuer);
        expect(params.get('response_type')).toBe('code');
        expect(params.get('client_id')).toBe('bulwark');
        expect(params.get('redirect_uri')).toBe(callbackUri('test'));
        expect(params.get('code_challenge_method')).toBe('S256');
        expect(params.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(params.get('state')).toBe(flow.state);
        expect(params.get('nonce')).toMatch(/^[A-Za-z0-9_-]{32,}$/);
        expect(params.get('scope')?.split(' ')).toContain('openid');
        expect(flow.authorizationUrl.href).not.toContain(CLIENT_SECRET);
      }
      const fresh = (key: string) => first.authorizationUrl.searchParams.get(key);
      for (const key of ['state', 'nonce', 'code_challenge']) {
        expect(fresh(key)).not.toBe(second.authorizationUrl.searchParams.get(key));
      }
    });

    it('refuses unknown providers', async () => {
      expectProblem(await app.http.inject({ url: '/api/auth/oidc/nope/start' }), 404, 'oidc-unknown-provider');
      expectProblem(
        await app.http.inject({
          url: '/api/auth/oidc/nope/callback?code=x&state=y',
          headers: { cookie: `${STATE_COOKIE}=y` },
        }),
        404,
        'oidc-unknown-provider',
      );
    });
  });

  describe('attacks on the callback', () => {
    let victim: string;
    beforeAll(() => {
      victim = account('target', uniqueEmail('target'));
    });

    it('a tampered state signs nobody in, and does not spend the real flow', async () => {
      const flow = await start();
      const back = await authorize(flow, victim);
      const forged = new URL(back);
      forged.searchParams.set('state', `${flow.state.slice(0, -2)}xx`);
      const mismatched = await callback(forged, flow.stateCookie);
      expectProblem(mismatched, 401, 'oidc-failed');
      expectNoSession(mismatched);
      // An attacker who controls both the cookie and the URL has no flow behind that state.
      const consistent = await callback(forged, `${STATE_COOKIE}=${forged.searchParams.get('state')}`);
      expectProblem(consistent, 401, 'oidc-failed');
      expectNoSession(consistent);
      const dropped = new URL(back);
      dropped.searchParams.delete('state');
      expectProblem(await callback(dropped, flow.stateCookie), 401, 'oidc-failed');

      await expectSignedIn(await callback(back, flow.stateCookie));
    });

    it('a callback in a browser that did not start the flow fails (login CSRF)', async () => {
      const flow = await start();
      const back = await authorize(flow, victim);
      const noCookie = await callback(back);
      expectProblem(noCookie, 401, 'oidc-failed');
      expectNoSession(noCookie);
      // The other browser has a flow of its own: its state does not match.
      const own = await start();
      const otherBrowser = await callback(back, own.stateCookie);
      expectProblem(otherBrowser, 401, 'oidc-failed');
      expectNoSession(otherBrowser);
    });

    it('a callback works once: the replay fails', async () => {
      const flow = await start();
      const back = await authorize(flow, victim);
      await expectSignedIn(await callback(back, flow.stateCookie));
      const sessionsBefore = await sessionCount();
      const replay = await callback(back, flow.stateCookie);
      expectProblem(replay, 401, 'oidc-failed');
      expectNoSession(replay);
      expect(await sessionCount()).toBe(sessionsBefore);
    });

    it('a code from another flow fails (PKCE verifier and nonce belong to the flow)', async () => {
      const a = await start();
      const b = await start();
      const backA = await authorize(a, victim);
      const backB = await authorize(b, victim);
      const swapped = new URL(backB);
      swapped.searchParams.set('code', backA.searchParams.get('code') as string);
      const response = await callback(swapped, b.stateCookie);
      expectProblem(response, 401, 'oidc-failed');
      expectNoSession(response);
    });

    it('a flow started with one provider cannot finish at another', async () => {
      const flow = await start('trusted');
      const back = await authorize(flow, victim);
      const elsewhere = new URL(`/api/auth/oidc/test/callback${back.search}`, back);
      const response = await callback(elsewhere, flow.stateCookie);
      expectProblem(response, 401, 'oidc-failed');
      expectNoSession(response);
    });

    it('a callback claiming another issuer fails (mix-up)', async () => {
      const flow = await start();
      const back = await authorize(flow, victim);
      expect(back.searchParams.get('iss')).toBe(provider.issuer);
      const mixed = new URL(back);
      mixed.searchParams.set('iss', 'https://attacker.example');
      const response = await callback(mixed, flow.stateCookie);
      expectProblem(response, 401, 'oidc-failed');
      expectNoSession(response);
    });

    it('the provider refusing (?error=access_denied) signs nobody in', async () => {
      const flow = await start();
      const back = await authorize(flow, 'no-such-subject');
      expect(back.searchParams.get('error')).toBe('access_denied');
      const response = await callback(back, flow.stateCookie);
      expectProblem(response, 401, 'oidc-failed');
      expectNoSession(response);
    });

    it('an expired flow fails', async () => {
      const flow = await start();
      const back = await authorize(flow, victim);
      await app.database.db
        .updateTable('oidc_flows')
        .set({ expires_ms: Date.now() - 1 })
        .where('used_ms', 'is', null)
        .execute();
      const response = await callback(back, flow.stateCookie);
      expectProblem(response, 401, 'oidc-failed');
      expectNoSession(response);
    });
  });

  it('never writes the client secrets to the logs or the audit log', async () => {
    // Earlier tests made the token endpoint fail in several ways, each logged with its cause.
    expect(app.logs.lines.some((line) => line.includes('OIDC sign-in failed'))).toBe(true);
    const auditRows = JSON.stringify(await app.database.db.selectFrom('audit_log').selectAll().execute());
    const flows = JSON.stringify(await app.database.db.selectFrom('oidc_flows').selectAll().execute());
    for (const text of [app.logs.text, auditRows, flows]) {
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain(TRUSTED_CLIENT_SECRET);
      expect(text).not.toContain(Buffer.from(`bulwark:${CLIENT_SECRET}`).toString('base64'));
    }
  });
});

describe('OIDC provider whose discovery document names another issuer', () => {
  let app: TestApp;
  let provider: OidcTestProvider;
  const SECRET = 'impostor-client-secret-9a8b7c6d5e4f3021';

  beforeAll(async () => {
    provider = await startOidcProvider({
      clients: [{ clientId: 'bulwark', clientSecret: SECRET, redirectUris: [callbackUri('impostor')] }],
      accounts: { alice: { email: 'alice@example.com', emailVerified: true } },
      issuerOverride: 'https://accounts.example.com',
    });
    app = await createTestApp({
      env: {
        ...provider.outboundEnv,
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'impostor', issuer: provider.issuer, clientId: 'bulwark', clientSecret: SECRET },
        ]),
      },
    });
  });
  afterAll(async () => {
    await app?.close();
    await provider?.stop();
  });

  it('answers start with 503 oidc-unavailable', async () => {
    // Before 0ca0dff this 5xx code lacked `expose: true` and was shown as a generic 500.
    const response = await app.http.inject({ url: '/api/auth/oidc/impostor/start' });
    expectProblem(response, 503, 'oidc-unavailable');
    expect(response.headers['retry-after']).toBeDefined();
  });

  it('starts no flow, every time, and no callback signs in', async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const response = await app.http.inject({ url: '/api/auth/oidc/impostor/start?next=/x' });
      expectProblem(response, 503, 'oidc-unavailable');
      expect(response.headers.location).toBeUndefined();
      expect(setCookies(response).some((line) => line.startsWith(STATE_COOKIE))).toBe(false);
    }
    expect(await app.database.db.selectFrom('oidc_flows').selectAll().execute()).toEqual([]);
    expect(app.logs.text).toContain('discovered metadata issuer does not match the expected issuer');

    const response = await app.http.inject({
      url: '/api/auth/oidc/impostor/callback?code=abc&state=forged-state-value&iss=https%3A%2F%2Faccounts.example.com',
      headers: { cookie: `${STATE_COOKIE}=forged-state-value` },
    });
    expectProblem(response, 401, 'oidc-failed');
    expectNoSession(response);
    expect(await app.database.db.selectFrom('users').selectAll().execute()).toEqual([]);
    expect(app.logs.text).not.toContain(SECRET);
  });
});
