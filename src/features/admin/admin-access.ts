import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { type AuthContext, type AuthDeps, requireAdmin, requireRecentAuth } from '../auth-core/index.js';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/**
 * An administrator's change to users or sessions: an administrator who signed in (or stepped up)
 * within the step-up window. Admin-scoped API keys were created under step-up and cannot step up
 * again themselves, so they pass on their scope.
 */
export function requireAdminWrite(deps: AuthDeps, request: FastifyRequest): AuthContext {
  const auth = requireAdmin(request);
  if (auth.via !== 'apiKey') requireRecentAuth(auth, deps.config.auth.stepUpWindowSeconds, deps.now());
  return auth;
}

/** Ends every session and token family of the user and revokes its API keys. */
export async function endEverything(deps: AuthDeps, userId: string) {
  const sessionsEnded = Number((await deps.sessions.revokeAllForUser(userId)).numDeletedRows);
  const keysRevoked = await deps.apiKeys.revokeAllForUser(userId);
  return { sessionsEnded, keysRevoked };
}
