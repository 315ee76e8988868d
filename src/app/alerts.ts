import type { Logger } from 'pino';
import { type AlertsFeature, createAlertsFeature } from '../features/alerts/index.js';
import { verifyAuditChain } from '../features/audit/index.js';
import type { Core } from './open-core.js';

/**
 * The in-process alerts, fed by every event the audit log stores, or null when no alert
 * channel is configured. Mail and webhook failures go to the server's log (and the audit log).
 */
export function createAppAlerts(core: Core, logger: Logger, now?: () => number): AlertsFeature | null {
  const alerts = createAlertsFeature({
    config: core.config,
    audit: core.audit,
    outbound: core.outbound,
    verifyChain: () => verifyAuditChain(core.database, core.deriveKey('audit-chain')),
    onProblem: (message) => logger.error(message),
    ...(now ? { now } : {}),
  });
  if (alerts) core.audit.onRecorded(alerts.onAuditEvent);
  return alerts;
}
