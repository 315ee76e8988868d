import type { FastifyInstance } from 'fastify';
import { registerHealthRoute } from './routes/health.js';
import { type ReadinessProbe, registerReadyRoute } from './routes/ready.js';

export type { DependencyState, ReadinessProbe } from './routes/ready.js';

export function registerOpsRoutes(app: FastifyInstance, deps: { probe: ReadinessProbe }): void {
  registerHealthRoute(app);
  registerReadyRoute(app, deps.probe);
}
