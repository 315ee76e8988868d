import type { FastifyRequest } from 'fastify';
import type { AuditEventType, AuditSink } from '../../audit/index.js';

export interface WebhookRouteDeps {
  audit: AuditSink;
  stepUpWindowSeconds: number;
  now: () => number;
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
