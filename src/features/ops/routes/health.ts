import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../../http/http-app.js';

const HealthResponse = Type.Object({ status: Type.Literal('ok') });

/** Liveness: answers while the process can serve HTTP at all; touches no dependency. */
export function registerHealthRoute(app: HttpApp): void {
  app.get(
    '/api/health',
    { schema: { tags: ['ops'], summary: 'Liveness probe', response: { 200: HealthResponse } } },
    async () => ({ status: 'ok' as const }),
  );
}
