import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { DestinationStream, Logger } from 'pino';
import { type Finding, type FrozenConfig, gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import { createDatabase, type Database, migrateToLatest } from '../db/index.js';
import { AppError } from '../errors/index.js';
import { type AuditLog, createAuditLog } from '../features/audit/index.js';
import { type AuthFeature, createAuthFeature } from '../features/auth/index.js';
import { registerOpsRoutes } from '../features/ops/index.js';
import { createHttpServer, type HttpApp } from '../http/create-server.js';
import { createLogger } from '../http/logger.js';
import { deriveKey, type KeyPurpose } from '../lib/crypto/derive-key.js';
import { loadOrCreateMasterKey } from './master-key.js';
import { BULWARK_VERSION } from './version.js';

export interface CreateAppOptions {
  config: FrozenConfig;
  logStream?: DestinationStream;
  /** PostgreSQL schema to use instead of `public`; tests give each app its own. */
  postgresSchema?: string;
  tlsWatchIntervalMs?: number;
}

export interface BulwarkApp {
  config: FrozenConfig;
  http: HttpApp;
  database: Database;
  audit: AuditLog;
  logger: Logger;
  findings: Finding[];
  auth: AuthFeature;
  deriveKey: (purpose: KeyPurpose) => Buffer;
  /** The one-time first-administrator link (`<base>/_/setup#<token>`), or null once one exists. */
  createSetupLink: (baseUrl: string) => Promise<string | null>;
  start: () => Promise<string>;
  stop: (reason?: string) => Promise<void>;
}

/** Thrown when a high-severity finding forbids starting; carries the findings to print. */
export class StartRefusedError extends AppError {
  readonly findings: Finding[];
  constructor(findings: Finding[]) {
    super('CFG_START_REFUSED', { status: 500, detail: 'high-severity configuration findings', expose: false });
    this.findings = findings;
  }
}

/**
 * The composition root: checks the deployment, prepares the data folder and keys, opens and
 * migrates the database, then wires the HTTP pipeline and the features. Nothing listens
 * until `start()`, so tests can use `app.http.inject()` without ports.
 */
export async function createApp(options: CreateAppOptions): Promise<BulwarkApp> {
  const { config } = options;
  const findings = checkDeployment(config);
  const masterKey = loadOrCreateMasterKey(config.dataDir, config.masterKey);
  const logger = createLogger(config.log.level, options.logStream);
  const database = createDatabase({
    url: config.database.url,
    sqlitePath: join(config.dataDir, 'bulwark.db'),
    schema: options.postgresSchema,
  });
  try {
    await migrateToLatest(database);
  } catch (error) {
    await database.close();
    throw error;
  }
  const audit = createAuditLog(database);
  const recordSafely = (event: Parameters<AuditLog['record']>[0]) =>
    audit
      .record(event)
      .catch((error: unknown) => logger.error({ err: error, event: event.type }, 'audit write failed'));

  const http = await createHttpServer({
    config,
    logger,
    version: BULWARK_VERSION,
    onSecurityEvent: (event) => void recordSafely({ ...event, actor: 'system' }),
    ...(options.tlsWatchIntervalMs ? { tlsWatchIntervalMs: options.tlsWatchIntervalMs } : {}),
  });
  const derive = (purpose: KeyPurpose) => deriveKey(masterKey, purpose);
  const auth = createAuthFeature({ config, database, audit, deriveKey: derive });
  await auth.registerRoutes(http);
  void auth.warmUp().catch((error: unknown) => logger.error({ err: error }, 'breached-password list failed to load'));
  registerOpsRoutes(http, { probe: () => probeDependencies(database) });

  let stopped = false;
  return {
    config,
    http,
    database,
    audit,
    logger,
    findings,
    auth,
    deriveKey: derive,
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
      return url;
    },
    async stop(reason = 'requested') {
      if (stopped) return;
      stopped = true;
      // Drain first: in-flight requests finish and may still write to the database.
      await http.close();
      await recordSafely({ type: 'server.stop', actor: 'system', details: { reason } });
      auth.close();
      await database.close();
    },
  };
}

/** Creates the data folder (0700) if needed, then runs the named checks; refuses on high. */
function checkDeployment(config: FrozenConfig): Finding[] {
  if (!existsSync(config.dataDir)) {
    mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
    chmodSync(config.dataDir, 0o700);
  }
  const findings = runConfigChecks(config, gatherDeploymentFacts(config));
  const high = findings.filter((finding) => finding.severity === 'high');
  if (high.length > 0) throw new StartRefusedError(high);
  return findings;
}

async function probeDependencies(database: Database): Promise<Record<string, 'ok' | 'down'>> {
  try {
    await sql`SELECT 1`.execute(database.db);
    return { database: 'ok' };
  } catch {
    return { database: 'down' };
  }
}
