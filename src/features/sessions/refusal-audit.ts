import { type ErrorCode, isAppError } from '../../errors/index.js';
import type { HttpApp } from '../../http/http-app.js';
import { createAuditThinner } from '../audit/index.js';
import { type AuthDeps, auditEvent } from '../auth-core/index.js';

/**
 * Refusals worth evidence (ASVS V16.3.1–V16.3.3): a bearer token or API key that does not
 * resolve, a missing role or scope, a sign-in that still owes its second factor, must enrol one
 * or must sign in again after enrolling, and a CSRF or cross-origin refusal. Each becomes an
 * `access.denied` audit event with the code, route and method, thinned per caller (or address)
 * and code so that a flood of them cannot flood the log; the number held back rides along with
 * the next one.
 */
const AUDITED_CODES = new Set<ErrorCode>([
  'AUTH_INVALID_TOKEN',
  'AUTH_FORBIDDEN',
  'AUTH_MFA_REQUIRED',
  'AUTH_MFA_ENROLMENT_REQUIRED',
  'AUTH_MFA_SIGN_IN_AGAIN',
  'AUTH_CSRF',
]);
const PER_MINUTE = 10;

export function registerRefusalAudit(app: HttpApp, deps: AuthDeps): void {
  const thinner = createAuditThinner({ perWindow: PER_MINUTE, windowMs: 60_000 });
  app.addHook('onError', async (request, _reply, error) => {
    if (!isAppError(error) || !AUDITED_CODES.has(error.code)) return;
    const actor = request.auth?.user.id;
    const { record, heldBack } = thinner.admit(`${actor ?? `ip:${request.client.key}`}|${error.code}`, deps.now());
    if (!record) return;
    await auditEvent(deps, request, 'access.denied', actor, {
      code: error.code,
      method: request.method,
      route: request.routeOptions.url ?? 'unknown',
      ...(request.auth ? { via: request.auth.via } : {}),
      ...(heldBack > 0 ? { heldBack } : {}),
    });
  });
}
