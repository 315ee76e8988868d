import type { Database } from '../../db/index.js';
import type { HttpApp } from '../../http/http-app.js';
import type { MetricsHistory } from './metrics-history.js';
import { registerAuditSearchRoute } from './routes/audit-search.js';
import { type BanRouteDeps, registerBanRoutes } from './routes/bans.js';
import { registerHealthRoute } from './routes/health.js';
import { type MetricsRouteDeps, registerMetricsRoute } from './routes/metrics.js';
import { registerMetricsHistoryRoute } from './routes/metrics-history.js';
import { type ReadinessProbe, registerReadyRoute } from './routes/ready.js';
import { registerSecuritySummaryRoute, type SecuritySummaryDeps } from './routes/security-summary.js';

export { createMetricsRegistry, type MetricsRegistry } from './metrics.js';
export { createAuditMetrics } from './metrics-audit.js';
export { registerScrapeGauges } from './metrics-gauges.js';
export { createMetricsHistory, type MetricsHistory } from './metrics-history.js';
export type { MetricsRouteDeps } from './routes/metrics.js';
export type { ReadinessProbe } from './routes/ready.js';

export function registerOpsRoutes(
  app: HttpApp,
  deps: {
    probe: ReadinessProbe;
    bans: BanRouteDeps;
    metrics: MetricsRouteDeps;
    database: Database;
    findings: SecuritySummaryDeps['findings'];
    history: MetricsHistory;
  },
): void {
  registerHealthRoute(app);
  registerReadyRoute(app, deps.probe);
  registerBanRoutes(app, deps.bans);
  registerMetricsRoute(app, deps.metrics);
  registerMetricsHistoryRoute(app, deps.history);
  registerAuditSearchRoute(app, deps.database);
  registerSecuritySummaryRoute(app, { database: deps.database, now: deps.bans.now, findings: deps.findings });
}
