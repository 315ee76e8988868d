import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Finding, FrozenConfig } from '../config/index.js';
import { gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import { createDatabase, type Database, migrateToLatest } from '../db/index.js';
import { type AuditLog, checkpointPath, createAuditLog } from '../features/audit/index.js';
import { type AuthFeature, createAuthFeature } from '../features/auth/index.js';
import { deriveKey, type KeyPurpose } from '../lib/crypto/derive-key.js';
import type { OutboundClient, OutboundFailureReason } from '../lib/net/outbound-types.js';
import { createDatabaseState, type SharedState } from '../stores/index.js';
import { holdDataDir } from './data-dir-lock.js';
import { describeData, unlockMasterKey } from './key-check.js';
import { overriddenKeyFile } from './master-key.js';
import { createAuditedOutboundClient } from './outbound.js';
import { StartRefusedError } from './start-refused.js';

export { StartRefusedError } from './start-refused.js';

/** What every entry point needs, HTTP or not: checked deployment, keys, migrated database, features. */
export interface Core {
  config: FrozenConfig;
  findings: Finding[];
  database: Database;
  audit: AuditLog;
  auth: AuthFeature;
  /** The state given (Redis), else throttles and bans in this database. */
  state: SharedState;
  /** Every request to an address a user or an administrator chose goes through this guard. */
  outbound: OutboundClient;
  deriveKey: (purpose: KeyPurpose) => Buffer;
  /** The key file that BULWARK_MASTER_KEY overrides, or null; the server says so in its log. */
  overriddenKeyFile: string | null;
  close: () => Promise<void>;
}

/**
 * Checks the deployment (refusing on high findings), holds the data folder when asked, opens
 * and migrates the database, unlocks the master key against the data's key check (refusing a
 * key that does not match) and builds the features. Shared by `serve` and the admin commands
 * so they apply the same checks and write to the same audit log.
 */
export async function openCore(
  config: FrozenConfig,
  options: {
    postgresSchema?: string | undefined;
    state?: SharedState;
    /** Where audit-checkpoint problems go; the server logs them, commands print them. */
    onAuditProblem?: (message: string) => void;
    /**
     * Hold the data folder for this process (`serve`): a second server on it is refused.
     * Commands that run beside a server (`admin create`, `sessions revoke`) do not take it.
     */
    holdDataDir?: boolean;
    /** Told of every outbound request the guard refuses, before the audit log thins them (metrics). */
    onOutboundBlocked?: (reason: OutboundFailureReason) => void;
  } = {},
): Promise<Core> {
  const findings = checkDeployment(config);
  // Taken before anything in the folder is created or changed: the key, the database, the checkpoint.
  const lock = options.holdDataDir ? holdDataDir(config.dataDir) : null;
  const { database, rootKey } = await openDatabase(config, options.postgresSchema).catch((error: unknown) => {
    lock?.release();
    throw error;
  });
  // Every purpose key comes from the root the master key unlocks (see key-check.ts): rotating
  // the master key re-wraps the root and changes none of them.
  const derive = (purpose: KeyPurpose) => deriveKey(rootKey, purpose);
  const onAuditProblem = options.onAuditProblem ?? ((message: string) => console.error(`bulwark: ${message}`));
  const audit = createAuditLog(database, {
    chainKey: derive('audit-chain'),
    checkpoint: { path: checkpointPath(config.dataDir), key: derive('audit-checkpoint') },
    onProblem: (message) => onAuditProblem(message),
  });
  // Without Redis, sign-in locks and bans live in the database: a restart must not lift them.
  const state =
    options.state ??
    (await createDatabaseState(database).catch(async (error: unknown) => {
      await database.close();
      throw error;
    }));
  const outbound = createAuditedOutboundClient(config, audit, onAuditProblem, options.onOutboundBlocked);
  const auth = createAuthFeature({ config, database, audit, deriveKey: derive, state, outbound });
  return {
    config,
    findings,
    database,
    audit,
    auth,
    state,
    outbound,
    deriveKey: derive,
    overriddenKeyFile: overriddenKeyFile(config.dataDir, config.masterKey),
    async close() {
      auth.close();
      await outbound.close();
      // Anchors the newest entry (the `server.stop` one included) before the database closes.
      await audit.close();
      // A state given by the caller is the caller's to close.
      if (!options.state) await state.close();
      await database.close();
      lock?.release();
    },
  };
}

/** Opens and migrates the database, then unlocks the root key with the master key; closes it on refusal. */
async function openDatabase(
  config: FrozenConfig,
  postgresSchema: string | undefined,
): Promise<{ database: Database; rootKey: Buffer }> {
  const database = createDatabase({
    url: config.database.url,
    sqlitePath: join(config.dataDir, 'bulwark.db'),
    sqliteSynchronous: config.database.sqliteSynchronous,
    schema: postgresSchema,
  });
  try {
    await migrateToLatest(database);
    const rootKey = await unlockMasterKey(database, config, describeData(config, postgresSchema));
    return { database, rootKey };
  } catch (error) {
    await database.close();
    throw error;
  }
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
