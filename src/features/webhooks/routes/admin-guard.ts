import type { FastifyRequest } from 'fastify';
import type { AuditEventType, AuditSink } from '../../audit/index.js';
import { requireAdmin, requireRecentAuth } from '../../auth-core/index.js';

export interface WebhookRouteDeps {
  audit: AuditSink;
  stepUpWindowSeconds: number;
  now: () => number;
}

/**
 * A change to webhooks: administrators only, after a recent sign-in (step-up), as every admin
 * write; an admin-scoped API key was created under step-up and cannot step up again itself.
 * CSRF for cookie sessions is enforced for every unsafe method before any handler runs.
 */
export function requireAdminWrite(request: FastifyRequest, deps: WebhookRouteDeps) {
  const auth = requireAdmin(request);
  if (auth.via !== 'apiKey') requireRecentAuth(auth, deps.stepUpWindowSeconds, deps.now());
  return auth;
}

/** Records an admin's webhook change with the caller's address and request id. */
export function auditWebhookChange(
  deps: WebhookRouteDeps,
  request: FastifyRequest,
  actor: string,
  type: AuditEventType,
  details: Record<string, unknown>,
): Promise<void> {
  return deps.audit.record({ type, actor, ip: request.client.address, requestId: String(request.id), details });
}
