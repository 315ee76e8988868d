import type { FastifyRequest } from 'fastify';
import { requireAdmin, requireRecentAuth } from '../../auth-core/index.js';

/**
 * An administrator's change to the data model: refused unless the caller is an administrator
 * who signed in (or stepped up) within the step-up window. Admin-scoped API keys were created
 * under step-up and cannot step up again themselves, so they pass on their scope.
 */
export function requireAdminWrite(request: FastifyRequest, stepUpWindowSeconds: number, nowMs: number) {
  const auth = requireAdmin(request);
  if (auth.via !== 'apiKey') requireRecentAuth(auth, stepUpWindowSeconds, nowMs);
  return auth;
}
