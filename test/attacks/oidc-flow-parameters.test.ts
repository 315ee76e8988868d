import { describe, expect, it } from 'vitest';
import { CLIENT_SECRET, callbackUri, expectProblem, STATE_COOKIE, useOidcApp } from '../helpers/oidc-flow.js';

/**
 * What the start of an OIDC flow hands the browser and the provider: the state bound by a
 * __Host- cookie, PKCE (S256), a state and a nonce new for every flow (OWASP ASVS 5.0 V10.2.1).
 */

describe('OIDC sign-in (authorization code with PKCE, state and nonce)', () => {
  const { app, provider, start } = useOidcApp();

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
});
