import { beforeAll, describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/auth-client.js';
import {
  CLIENT_SECRET,
  expectNoSession,
  expectProblem,
  STATE_COOKIE,
  TRUSTED_CLIENT_SECRET,
  useOidcApp,
} from '../helpers/oidc-flow.js';

/**
 * Forged, replayed and mixed-up callbacks: tampered state, login CSRF, replay, a code from
 * another flow or provider, another issuer, refusals and expired flows sign nobody in; no client
 * secret reaches the logs (OWASP ASVS 5.0 V10.1.2, V10.2.1, V10.2.2, V10.5.1).
 */

describe('OIDC sign-in (authorization code with PKCE, state and nonce)', () => {
  const { app, provider, account, start, authorize, callback, expectSignedIn, sessionCount } = useOidcApp();

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
