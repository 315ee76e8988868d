import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { type AuthContext, type AuthDeps, requireAdminWrite } from '../auth-core/index.js';

export const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

/** An administrator's change to users or sessions: the step-up rule of every admin write. */
export function adminWrite(deps: AuthDeps, request: FastifyRequest): AuthContext {
  return requireAdminWrite(request, deps.config.auth.stepUpWindowSeconds, deps.now());
}

/** Ends every session and token family of the user and revokes its API keys. */
export async function endEverything(deps: AuthDeps, userId: string) {
  const sessionsEnded = Number((await deps.sessions.revokeAllForUser(userId)).numDeletedRows);
  const keysRevoked = await deps.apiKeys.revokeAllForUser(userId);
  return { sessionsEnded, keysRevoked };
}
