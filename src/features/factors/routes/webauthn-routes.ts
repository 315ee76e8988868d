import { Type } from '@sinclair/typebox';
import { appError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import {
  type AuthDeps,
  auditEvent,
  beginSignIn,
  completeSecondStep,
  PasskeyResponse,
  problem,
  requireFullRecentAuth,
  requireSession,
  strictBody,
} from '../../auth-core/index.js';
import { type ChallengePurpose, toPasskeyView } from '../webauthn-decisions.js';
import { afterEnrolment, requireEnrolmentAuth, SecondStepOutcome } from './enrolment.js';
import { relyingPartyFor, verifyPasskey } from './passkey-checks.js';

const PasskeySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  created: Type.String(),
  lastUsed: Type.Union([Type.String(), Type.Null()]),
  backedUp: Type.Boolean(),
});
/** Options are the library's JSON, handed to the browser's `PublicKeyCredential.parse*FromJSON`. */
const OptionsSchema = Type.Object({}, { additionalProperties: true });

/** Passkeys: registration, sign-in (alone or as the second step), listing and removal. */
export function registerWebauthnRoutes(app: HttpApp, deps: AuthDeps): void {
  const window = () => deps.config.auth.stepUpWindowSeconds;

  app.post(
    '/api/auth/webauthn/register/options',
    {
      config: { allowStages: ['enrol'] },
      schema: {
        tags: ['auth'],
        summary: 'Options for registering a passkey (navigator.credentials.create)',
        response: { 200: OptionsSchema, 401: problem, 403: problem },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      requireEnrolmentAuth(deps, auth);
      return deps.factors.webauthn.registrationOptions(relyingPartyFor(deps, request), auth.user, auth.sessionId);
    },
  );

  app.post(
    '/api/auth/webauthn/register/verify',
    {
      config: { allowStages: ['enrol'], rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary: 'Register a passkey; the first factor of an account also returns recovery codes',
        body: Type.Object(
          { response: PasskeyResponse, name: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })) },
          strictBody,
        ),
        response: {
          200: Type.Object({ passkey: PasskeySchema, recoveryCodes: Type.Optional(Type.Array(Type.String())) }),
          401: problem,
          403: problem,
        },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      requireEnrolmentAuth(deps, auth);
      const body = request.body;
      const row = await deps.factors.webauthn
        .verifyRegistration(
          relyingPartyFor(deps, request),
          auth.user.id,
          auth.sessionId,
          body.response,
          body.name ?? 'Passkey',
        )
        .catch(async (error: unknown) => {
          await auditEvent(deps, request, 'auth.webauthn.failure', auth.user.id, { purpose: 'register' });
          throw error;
        });
      const firstFactor = auth.user.mfa_enrolled_ms === null;
      await deps.factors.markEnrolled(auth.user.id);
      const recoveryCodes = firstFactor ? await deps.factors.recovery.regenerate(auth.user.id) : undefined;
      await auditEvent(deps, request, 'auth.webauthn.registered', auth.user.id, { credentialId: row.id });
      await afterEnrolment(deps, request, reply, auth);
      return { passkey: toPasskeyView(row), ...(recoveryCodes ? { recoveryCodes } : {}) };
    },
  );

  app.post(
    '/api/auth/webauthn/login/options',
    {
      config: { allowStages: ['mfa'], usesNoSession: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary:
          'Options for a passkey assertion: sign-in with a passkey alone, the second step of a sign-in, or (signed in) a step-up',
        response: { 200: OptionsSchema, 401: problem },
      },
    },
    async (request) => {
      const auth = request.auth;
      const rp = relyingPartyFor(deps, request);
      if (auth?.sessionId) {
        const purpose: ChallengePurpose = auth.stage === 'mfa' ? 'second-factor' : 'reauth';
        return deps.factors.webauthn.authenticationOptions(rp, purpose, auth.user.id, auth.sessionId);
      }
      return deps.factors.webauthn.authenticationOptions(rp, 'login', null, null);
    },
  );

  app.post(
    '/api/auth/webauthn/login/verify',
    {
      config: { allowStages: ['mfa'], usesNoSession: true, setsSessionCookie: true, rateLimit: 'auth' },
      schema: {
        tags: ['auth'],
        summary:
          'Sign in with a passkey (a cookie session, or tokens with `mode: "bearer"`), or complete a sign-in that owes its second factor',
        body: Type.Object(
          {
            response: PasskeyResponse,
            mode: Type.Optional(Type.Union([Type.Literal('cookie'), Type.Literal('bearer')])),
          },
          strictBody,
        ),
        response: { 200: SecondStepOutcome, 401: problem },
      },
    },
    async (request, reply) => {
      const body = request.body;
      const auth = request.auth;
      if (auth?.stage === 'mfa' && auth.sessionId) {
        const passkey = await verifyPasskey(deps, request, 'second-factor', auth.sessionId, body.response);
        if (passkey.userId !== auth.user.id) throw appError('AUTH_PASSKEY_FAILED');
        return completeSecondStep(deps, request, reply, 'passkey');
      }
      const passkey = await verifyPasskey(deps, request, 'login', null, body.response);
      const user = await deps.accounts.users.findById(passkey.userId);
      if (!user || user.disabled === 1) throw appError('AUTH_PASSKEY_FAILED');
      const mode = body.mode ?? 'cookie';
      return beginSignIn(deps, request, reply, user, mode, 'passkey', { stage: 'full', factorProven: true });
    },
  );

  app.get(
    '/api/auth/webauthn/credentials',
    {
      schema: {
        tags: ['auth'],
        summary: 'My passkeys',
        response: { 200: Type.Object({ items: Type.Array(PasskeySchema) }), 401: problem },
      },
    },
    async (request) => {
      const auth = requireSession(request);
      return { items: (await deps.factors.webauthn.list(auth.user.id)).map(toPasskeyView) };
    },
  );

  app.delete(
    '/api/auth/webauthn/credentials/:id',
    {
      schema: {
        tags: ['auth'],
        summary: 'Remove a passkey (needs a recent password and second factor)',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 1024 }) }),
        response: { 204: NoContent, 401: problem, 403: problem, 404: problem, 409: problem },
      },
    },
    async (request, reply) => {
      const auth = requireSession(request);
      requireFullRecentAuth(auth, window(), deps.now());
      const { id } = request.params;
      const owned = (await deps.factors.webauthn.list(auth.user.id)).some((row) => row.id === id);
      if (!owned) throw appError('AUTH_NOT_FOUND');
      await deps.factors.assertRemovable(auth.user);
      await deps.factors.webauthn.remove(auth.user.id, id);
      const stillEnrolled = await deps.factors.settleAfterRemoval(auth.user.id);
      await auditEvent(deps, request, 'auth.webauthn.removed', auth.user.id, { credentialId: id, stillEnrolled });
      return reply.code(204).send();
    },
  );
}
