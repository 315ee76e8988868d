import { sql } from 'kysely';
import type { DestinationStream, Logger } from 'pino';
import { type Finding, type FrozenConfig, gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import type { Database } from '../db/index.js';
import { registerSetupPage } from '../features/admin/index.js';
import type { AlertsFeature } from '../features/alerts/index.js';
import { type AuditLog, type AuditRetention, createAuditRetention } from '../features/audit/index.js';
import type { AuthFeature } from '../features/auth/index.js';
import type { BackupSchedule } from '../features/backup/index.js';
import { createCollectionsFeature } from '../features/collections/index.js';
import { registerDashboard } from '../features/dashboard/index.js';
import { createFilesFeature, type FileStore, type FilesFeature, type MalwareScanner } from '../features/files/index.js';
import {
  createMetricsHistory,
  createMetricsRegistry,
  type MetricsRegistry,
  registerOpsRoutes,
} from '../features/ops/index.js';
import { createWebhooksFeature, type WebhooksFeature } from '../features/webhooks/index.js';
import { registerAbuseGuard } from '../http/abuse-guard.js';
import { createHttpServer, type HttpApp } from '../http/create-server.js';
import { createLogger, flushLogger } from '../http/logger.js';
import type { KeyPurpose } from '../lib/crypto/derive-key.js';
import type { OutboundClient } from '../lib/net/outbound-types.js';
import { createRedisState, type SharedState } from '../stores/index.js';
import { createAppAlerts } from './alerts.js';
import { createAppBackups } from './app-backups.js';
import { createShipper, loadSyslogTarget } from './audit-shipping.js';
import { collectionsOptions } from './collections-options.js';
import { countAuditEvents, wireMetrics } from './metrics.js';
import { type Core, openCore } from './open-core.js';
import { BULWARK_VERSION } from './version.js';

export { StartRefusedError } from './open-core.js';

export interface CreateAppOptions {
  config: FrozenConfig;
  logStream?: DestinationStream;
  /** PostgreSQL schema to use instead of `public`; tests give each app its own. */
  postgresSchema?: string;
  tlsWatchIntervalMs?: number;
  /**
   * Hold the data folder so a second server on it is refused (what `serve` does). Tests that run
   * two instances in one process on one folder, as a stand-in for a cluster, leave it off.
   */
  holdDataDir?: boolean;
  /** A malware scanner for uploads: new files stay `pending` (not served) until it finds them clean. */
  malwareScanner?: MalwareScanner;
  /** The clock of the in-process alerts' windows and cool-downs; tests move it forward. */
  alertsNow?: () => number;
  /** The built dashboard's folder (`dist/dashboard` of the server by default); tests point it elsewhere. */
  dashboardDir?: string;
}

export interface BulwarkApp {
  config: FrozenConfig;
  http: HttpApp;
  database: Database;
  audit: AuditLog;
  /** Pruning by `audit.retentionDays` (nothing when 0): at start, then daily. */
  auditRetention: AuditRetention;
  /** Backups by `backup.schedule` (nothing when empty), with `backup.keep` retention. */
  backups: BackupSchedule;
  logger: Logger;
  findings: Finding[];
  auth: AuthFeature;
  files: FilesFeature;
  state: SharedState;
  /** The in-process alerts, or null when no alert channel is configured. */
  alerts: AlertsFeature | null;
  /** The SSRF guard every outbound request goes through (webhooks, OIDC discovery). */
  outbound: OutboundClient;
  /** This app's series (`GET /metrics`), in its own registry. */
  metrics: MetricsRegistry;
  deriveKey: (purpose: KeyPurpose) => Buffer;
  /** The one-time first-administrator link (`<base>/_/setup#<token>`), or null once one exists. */
  createSetupLink: (baseUrl: string) => Promise<string | null>;
  start: () => Promise<string>;
  stop: (reason?: string) => Promise<void>;
}

/**
 * The composition root: checks the deployment, prepares the data folder and keys, opens and
 * migrates the database, then wires the HTTP pipeline and the features. Nothing listens
 * until `start()`, so tests can use `app.http.inject()` without ports.
 */
export async function createApp(options: CreateAppOptions): Promise<BulwarkApp> {
  const { config } = options;
  const logger = createLogger(config.log.level, options.logStream);
  const syslogTarget = loadSyslogTarget(config);
  const redis = await createRedisStateIfConfigured(config, logger);
  const metrics = createMetricsRegistry();
  const history = createMetricsHistory(metrics, {
    now: Date.now,
    onError: (error) => logger.error({ err: error }, 'metrics history sample failed'),
  });
  const core = await openCore(config, {
    postgresSchema: options.postgresSchema,
    ...(redis ? { state: redis } : {}),
    onAuditProblem: (message) => logger.error(message),
    holdDataDir: options.holdDataDir ?? false,
    onOutboundBlocked: (reason) => metrics.counters.outboundBlocked.inc({ reason }),
  }).catch(async (error: unknown) => {
    await redis?.close();
    throw error;
  });
  const { findings, database, audit, auth, state } = core;
  countAuditEvents(metrics, audit, config);
  if (core.overriddenKeyFile) {
    // Two keys in reach and one ignored: say which one signs and encrypts, so a key that
    // does not match later is not a mystery.
    logger.warn(
      { ignoredKeyFile: core.overriddenKeyFile },
      'BULWARK_MASTER_KEY overrides the key file in the data folder',
    );
  }
  const recordSafely = (event: Parameters<AuditLog['record']>[0]) =>
    audit
      .record(event)
      .catch((error: unknown) => logger.error({ err: error, event: event.type }, 'audit write failed'));

  const http = await createHttpServer({
    config,
    logger,
    version: BULWARK_VERSION,
    onSecurityEvent: (event) => void recordSafely({ ...event, actor: 'system' }),
    metrics: metrics.http,
    ...(options.tlsWatchIntervalMs ? { tlsWatchIntervalMs: options.tlsWatchIntervalMs } : {}),
  });
  registerAbuseGuard(http, config, state);
  await auth.registerRoutes(http);
  const webhooks = createAppWebhooks(core, logger, metrics);
  const alerts = createAppAlerts(core, logger, options.alertsNow);
  webhooks.registerRoutes(http);
  const collections = createCollectionsFeature({
    ...collectionsOptions(config, core),
    onRecordChange: webhooks.onRecordChange,
    onRuleDenial: (action) => metrics.counters.ruleDenials.inc({ action }),
  });
  collections.registerRoutes(http);
  const files = createFilesFeature({
    config,
    database,
    audit,
    collections,
    linkKey: core.deriveKey('file-links'),
    ...(options.malwareScanner ? { scanner: options.malwareScanner } : {}),
  });
  await files.registerRoutes(http);
  void auth.warmUp().catch((error: unknown) => logger.error({ err: error }, 'breached-password list failed to load'));
  const probe = async () => ({
    ...(await probeDependencies(database, state, files.store)),
    ...(await files.probeScanner()),
  });
  const chainKey = core.deriveKey('audit-chain');
  registerOpsRoutes(http, {
    probe,
    bans: {
      bans: state.bans,
      audit,
      stepUpWindowSeconds: config.auth.stepUpWindowSeconds,
      ipv6PrefixLength: config.abuse.ipv6PrefixLength,
      now: Date.now,
    },
    metrics: wireMetrics(metrics, { config, database, state, probe, chainKey }),
    history,
    database,
    findings: () => runConfigChecks(config, gatherDeploymentFacts(config)),
  });
  registerSetupPage(http);
  registerDashboard(http, options.dashboardDir === undefined ? {} : { dir: options.dashboardDir });
  const shipper = syslogTarget ? createShipper(config, syslogTarget, core, logger) : null;
  const auditRetention = createAuditRetention({
    database,
    audit,
    retentionDays: config.audit.retentionDays,
    chainKey: core.deriveKey('audit-chain'),
    retentionKey: core.deriveKey('audit-retention'),
    now: Date.now,
    onProblem: (message) => logger.error(message),
  });
  const backups = createAppBackups(core, logger);

  let stopped = false;
  return {
    config,
    http,
    database,
    audit,
    auditRetention,
    backups,
    logger,
    findings,
    auth,
    files,
    state,
    alerts,
    outbound: core.outbound,
    metrics,
    deriveKey: core.deriveKey,
    async createSetupLink(baseUrl) {
      const token = await auth.createSetupToken();
      if (!token) return null;
      await recordSafely({
        type: 'admin.setup.link',
        actor: 'system',
        details: { ttlSeconds: config.auth.setupTokenTtlSeconds },
      });
      return `${config.publicUrl ?? baseUrl}/_/setup#${token}`;
    },
    async start() {
      const url = await http.listen({ host: config.server.host, port: config.server.port });
      for (const finding of findings) {
        logger.warn({ check: finding.id, fix: finding.fix }, finding.message);
        await recordSafely({ type: 'config.finding', actor: 'system', details: { ...finding } });
      }
      await recordSafely({
        type: 'server.start',
        actor: 'system',
        details: { version: BULWARK_VERSION, url, dialect: database.dialect, tls: Boolean(config.tls.cert) },
      });
      // The checkpoint is anchored before the server says it listens: a crash at any later
      // moment leaves `bulwark log verify` a checkpoint to check, never a missing one.
      await core.audit.flush();
      webhooks.start();
      shipper?.start();
      alerts?.start();
      auditRetention.start();
      backups.start();
      history.start();
      return url;
    },
    async stop(reason = 'requested') {
      if (stopped) return;
      stopped = true;
      history.stop();
      // Drain first: in-flight requests finish and may still write to the database.
      await http.close();
      // Then the deliveries under way: each is recorded before the database and the guard close.
      await webhooks.stop();
      // Alerts under way are recorded and sent before the audit log and the guard close.
      await alerts?.stop();
      await files.close();
      await auditRetention.stop();
      // A backup under way finishes (and is audited) before the database closes.
      await backups.stop();
      await recordSafely({ type: 'server.stop', actor: 'system', details: { reason } });
      // After `server.stop`, so it is shipped too; before the database closes.
      await shipper?.stop();
      await core.close();
      await redis?.close();
      // Last: every line logged while stopping (the drained requests' among them) is written
      // before the caller exits the process.
      await flushLogger(logger);
    },
  };
}

/**
 * Webhooks, fed by record writes (wired into collections) and by the audit log's security
 * events (the user events), delivering through the core's outbound guard; deliveries start with
 * `start()` and stop before the database closes.
 */
function createAppWebhooks(core: Core, logger: Logger, metrics: MetricsRegistry): WebhooksFeature {
  const webhooks = createWebhooksFeature({
    database: core.database,
    audit: core.audit,
    outbound: core.outbound,
    secretsKey: core.deriveKey('webhook-secrets'),
    policy: core.config.webhooks,
    stepUpWindowSeconds: core.config.auth.stepUpWindowSeconds,
    onError: (error) => logger.error({ err: error }, 'webhook delivery round failed'),
    onDeliveryAttempt: (outcome) => metrics.counters.webhookDeliveries.inc({ outcome }),
  });
  core.audit.onRecorded(webhooks.onAuditEvent);
  return webhooks;
}

async function probeDependencies(
  database: Database,
  state: SharedState,
  fileStore: FileStore,
): Promise<Record<string, 'ok' | 'down'>> {
  const databaseState = await sql`SELECT 1`.execute(database.db).then(
    () => 'ok' as const,
    () => 'down' as const,
  );
  const checks: Record<string, 'ok' | 'down'> = { database: databaseState };
  if (state.kind === 'redis') checks.redis = state.isAvailable() ? 'ok' : 'down';
  // The local store is the data folder, already required to start; a remote one is its own dependency.
  if (fileStore.kind !== 'local') checks.files = (await fileStore.probe()) ? 'ok' : 'down';
  return checks;
}

/** Redis when configured (shared by every instance); else openCore keeps the state in the database. */
async function createRedisStateIfConfigured(config: FrozenConfig, logger: Logger): Promise<SharedState | undefined> {
  const url = config.redis.url;
  if (!url) return undefined;
  return createRedisState({
    url,
    onAvailabilityChange: (isAvailable) =>
      isAvailable
        ? logger.info('redis reachable: counters and bans are shared')
        : logger.error('redis unreachable: sign-in answers 503, other routes use local limits'),
  });
}
