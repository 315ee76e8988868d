import type { FastifyInstance } from 'fastify';
import { type BanRouteDeps, registerBanRoutes } from './routes/bans.js';
import { registerHealthRoute } from './routes/health.js';
import { type ReadinessProbe, registerReadyRoute } from './routes/ready.js';

export type { DependencyState, ReadinessProbe } from './routes/ready.js';

export function registerOpsRoutes(app: FastifyInstance, deps: { probe: ReadinessProbe; bans: BanRouteDeps }): void {
  registerHealthRoute(app);
  registerReadyRoute(app, deps.probe);
  registerBanRoutes(app, deps.bans);
}
