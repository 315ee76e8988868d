import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, FrozenConfig } from '../config/index.js';
import { gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import { createDatabase, type Database, migrateToLatest } from '../db/index.js';
import { AppError } from '../errors/index.js';
import { type AuditLog, checkpointPath, createAuditLog } from '../features/audit/index.js';
import { type AuthFeature, createAuthFeature } from '../features/auth/index.js';
import { deriveKey, type KeyPurpose } from '../lib/crypto/derive-key.js';
import { createDatabaseState, type SharedState } from '../stores/index.js';
import { loadOrCreateMasterKey } from './master-key.js';

/** Thrown when a high-severity finding forbids starting; carries the findings to print. */
export class StartRefusedError extends AppError {
  readonly findings: Finding[];
  constructor(findings: Finding[]) {
    super('CFG_START_REFUSED', { status: 500, detail: 'high-severity configuration findings', expose: false });
    this.findings = findings;
  }
}

/** What every entry point needs, HTTP or not: checked deployment, keys, migrated database, features. */
export interface Core {
  config: FrozenConfig;
  findings: Finding[];
  database: Database;
  audit: AuditLog;
  auth: AuthFeature;
  /** The state given (Redis), else throttles and bans in this database. */
  state: SharedState;
  deriveKey: (purpose: KeyPurpose) => Buffer;
  close: () => Promise<void>;
}

/**
 * Checks the deployment (refusing on high findings), loads or creates the master key, opens and
 * migrates the database and builds the features. Shared by `serve` and the admin commands so
 * they apply the same checks and write to the same audit log.
 */
export async function openCore(
  config: FrozenConfig,
  options: {
    postgresSchema?: string | undefined;
    state?: SharedState;
    /** Where audit-checkpoint problems go; the server logs them, commands print them. */
    onAuditProblem?: (message: string) => void;
  } = {},
): Promise<Core> {
  const findings = checkDeployment(config);
  const masterKey = loadOrCreateMasterKey(config.dataDir, config.masterKey);
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
  const derive = (purpose: KeyPurpose) => deriveKey(masterKey, purpose);
  const audit = createAuditLog(database, {
    chainKey: derive('audit-chain'),
    checkpoint: { path: checkpointPath(config.dataDir), key: derive('audit-checkpoint') },
    onProblem: options.onAuditProblem ?? ((message) => console.error(`bulwark: ${message}`)),
  });
  // Without Redis, sign-in locks and bans live in the database: a restart must not lift them.
  const state =
    options.state ??
    (await createDatabaseState(database).catch(async (error: unknown) => {
      await database.close();
      throw error;
    }));
  const auth = createAuthFeature({ config, database, audit, deriveKey: derive, state });
  return {
    config,
    findings,
    database,
    audit,
    auth,
    state,
    deriveKey: derive,
    async close() {
      auth.close();
      // Anchors the newest entry (the `server.stop` one included) before the database closes.
      await audit.close();
      // A state given by the caller is the caller's to close.
      if (!options.state) await state.close();
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
