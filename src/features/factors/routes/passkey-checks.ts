import type { FastifyRequest } from 'fastify';
import { requestOrigin } from '../../../http/request-origin.js';
import { type AuthDeps, auditEvent } from '../../auth-core/index.js';
import type { ChallengePurpose, PasskeyResponseJSON } from '../webauthn-decisions.js';
import type { RelyingParty } from '../webauthn-service.js';

/**
 * The relying party for this request: configured, else the public URL's host and origin, else
 * the request's own. The browser signs the origin it really is on, so a forged Host header can
 * only make a genuine passkey fail, never make a foreign one pass.
 */
export function relyingPartyFor(deps: AuthDeps, request: FastifyRequest): RelyingParty {
  const { webauthn } = deps.config.auth;
  const publicUrl = deps.config.publicUrl ? new URL(deps.config.publicUrl) : null;
  // Read only when configuration leaves it open: a missing or malformed Host is then a 400.
  const ownOrigin = () => publicUrl?.origin ?? requestOrigin(request);
  return {
    id: webauthn.rpId ?? publicUrl?.hostname ?? new URL(ownOrigin()).hostname,
    name: webauthn.rpName,
    origins: webauthn.origins.length > 0 ? [...webauthn.origins] : [ownOrigin()],
  };
}

/** Verifies an assertion for `purpose`, auditing a failure; returns whose passkey it was. */
export async function verifyPasskey(
  deps: AuthDeps,
  request: FastifyRequest,
  purpose: ChallengePurpose,
  sessionId: string | null,
  response: PasskeyResponseJSON,
) {
  try {
    return await deps.factors.webauthn.verifyAuthentication(
      relyingPartyFor(deps, request),
      purpose,
      sessionId,
      response,
    );
  } catch (error) {
    await auditEvent(deps, request, 'auth.webauthn.failure', request.auth?.user.id, { purpose });
    throw error;
  }
}
