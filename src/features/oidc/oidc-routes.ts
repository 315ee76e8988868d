import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { appError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { resolveRedirect } from '../../http/redirect-target.js';
import {
  type AuthDeps,
  auditEvent,
  baseUrlFor,
  beginSignIn,
  problem,
  requireRecentAuth,
  requireSession,
  signInStateFor,
} from '../auth-core/index.js';
import { OIDC_FLOW_TTL_MS, type OidcService } from './oidc-service.js';

/** Binds an OIDC sign-in to the browser that started it. Lax: the callback is a top-level GET. */
export const OIDC_STATE_COOKIE = '__Host-bulwark_oidc';
const cookieOptions = { httpOnly: true, secure: true, sameSite: 'lax', path: '/' } as const;

const ProviderParams = Type.Object({ provider: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,31}$' }) });

/** OpenID Connect sign-in: start (redirect to the provider) and callback (sign in, redirect on). */
export function registerOidcRoutes(app: HttpApp, deps: AuthDeps, oidc: OidcService): void {
  // Normalised by URL (a default port dropped), exactly as the callback URL will be at exchange.
  const redirectUriFor = (request: FastifyRequest, provider: string) =>
    new URL(`/api/auth/oidc/${provider}/callback`, baseUrlFor(deps, request)).href;

  app.get(
    '/api/auth/oidc/:provider/start',
    {
      config: { rateLimit: 'auth', usesNoSession: true },
      schema: {
        tags: ['auth'],
        summary:
          'Start signing in with an OpenID Connect provider (302 to the provider). `next` must be a path here or an allow-listed address; `link=true` links the provider to the signed-in account',
        params: ProviderParams,
        querystring: Type.Object(
          {
            next: Type.Optional(Type.String({ maxLength: 2048 })),
            link: Type.Optional(Type.Boolean()),
          },
          { additionalProperties: false },
        ),
        response: { 302: Type.Null(), 400: problem, 404: problem, 503: problem },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const query = request.query;
      oidc.providerNamed(provider);
      const next =
        query.next === undefined
          ? null
          : resolveRedirect(query.next, baseUrlFor(deps, request), deps.config.auth.redirects.allowed);
      let linkUserId: string | null = null;
      if (query.link === true) {
        // Linking adds a way into the account: only its owner, fully signed in and freshly
        // authenticated, may, and only from our own pages (a cross-site navigation that starts
        // a link is how an attacker would attach their provider identity to the victim).
        const auth = requireSession(request);
        if (auth.stage !== 'full') throw appError('AUTH_MFA_REQUIRED');
        const site = request.headers['sec-fetch-site'];
        if (site === 'cross-site' || site === 'same-site') {
          throw appError('AUTH_CSRF', { detail: 'Start linking from this site’s own pages.' });
        }
        requireRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
        linkUserId = auth.user.id;
      }
      const { url, state } = await oidc.start(provider, redirectUriFor(request, provider), next, linkUserId);
      reply.setCookie(OIDC_STATE_COOKIE, state, { ...cookieOptions, maxAge: OIDC_FLOW_TTL_MS / 1000 });
      return reply.redirect(url, 302);
    },
  );

  app.get(
    '/api/auth/oidc/:provider/callback',
    {
      config: { rateLimit: 'auth', usesNoSession: true, setsSessionCookie: true },
      schema: {
        tags: ['auth'],
        summary: 'Where the provider sends the browser back; signs in and redirects (303) to `next`',
        params: ProviderParams,
        // The provider's parameters (code, state, iss, error…) are read by openid-client.
        querystring: Type.Object({}, { additionalProperties: Type.String({ maxLength: 4096 }), maxProperties: 16 }),
        response: { 303: Type.Null(), 401: problem, 404: problem, 409: problem, 503: problem },
      },
    },
    async (request, reply) => {
      const { provider } = request.params;
      const browserState = request.cookies[OIDC_STATE_COOKIE];
      reply.clearCookie(OIDC_STATE_COOKIE, cookieOptions);
      const callbackUrl = new URL(request.url, baseUrlFor(deps, request));
      try {
        const { provider: config, claims, flow } = await oidc.finish(provider, callbackUrl, browserState);
        const { user, outcome } = await oidc.userFor(config, claims, flow.link_user_id);
        if (user.disabled === 1) throw appError('AUTH_OIDC_FAILED', { detail: 'This account is disabled.' });
        await auditEvent(deps, request, 'auth.oidc.success', user.id, {
          provider,
          issuer: claims.issuer,
          subject: claims.subject,
          outcome,
        });
        if (outcome === 'linked-signed-in' || outcome === 'linked-by-email') {
          await auditEvent(deps, request, 'auth.oidc.linked', user.id, { provider, issuer: claims.issuer, outcome });
        }
        // A provider is one factor: users with a second factor, and administrators, still owe it.
        await beginSignIn(deps, request, reply, user, 'cookie', 'oidc', signInStateFor(deps, user, false));
        return reply.redirect(flow.next ?? '/', 303);
      } catch (error) {
        // The client sees only "failed"; the operator needs the provider's actual complaint.
        const cause = error instanceof Error && error.cause !== undefined ? error.cause : error;
        request.log.warn({ err: cause, provider }, 'OIDC sign-in failed');
        await auditEvent(deps, request, 'auth.oidc.failure', undefined, {
          provider,
          reason: error instanceof Error ? error.message.slice(0, 200) : 'unknown',
        });
        throw error;
      }
    },
  );
}
