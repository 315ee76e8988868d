import { existsSync, mkdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { holdDataDir } from '../app/data-dir-lock.js';
import { loadMasterKey, masterKeyPath, masterKeySource } from '../app/master-key.js';
import { openCore, StartRefusedError } from '../app/open-core.js';
import { refusalLines } from '../app/start-refused.js';
import { type FrozenConfig, gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import { AppError } from '../errors/index.js';
import {
  applyRestore,
  type BackupHeader,
  type BackupManifest,
  BackupRefusedError,
  backupKeyFromMasterKey,
  backupKeyFromPassphrase,
  findRestoreConflict,
  type KeyMode,
  PgToolError,
  type RestoreTarget,
  readBackupHeader,
  unpackBackup,
} from '../features/backup/index.js';
import { type PassphraseFlags, readExistingPassphrase } from './backup-passphrase.js';
import { postgresHasBulwarkTables } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS, type Output } from './output.js';
import { startProgress } from './progress.js';
import { refusalOf } from './restore-refusals.js';

export interface RestoreFlags extends CommonFlags, Pick<PassphraseFlags, 'passphraseStdin'> {
  replace?: boolean;
}

/**
 * `bulwark restore FILE`: opens and verifies the whole backup (every chunk, the final one, the
 * manifest's hashes) into a private folder beside the data before anything is replaced, then
 * replaces the database, files, audit checkpoint (and, from a passphrase backup, the master
 * key). Refused while a server holds the data folder, and over existing data without --replace.
 */
export async function runRestore(file: string, flags: RestoreFlags, out: Output): Promise<number> {
  const path = resolve(file);
  const config = loadCliConfig(flags);
  const header = await readBackupHeader(path).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT')
      throw new CliError(`${path} does not exist; fix: give the path of a backup file`);
    throw refusalOrError(error, path, config, 'master-key');
  });
  if (!existsSync(config.dataDir)) mkdirSync(config.dataDir, { recursive: true, mode: 0o700 });
  refuseHighFindings(config);
  const lock = holdForRestore(config.dataDir);
  try {
    await refuseExistingData(config, flags.replace === true);
    const baseKey = await keyOf(header, config, flags);
    const manifest = await verifyAndApply(path, header, baseKey, config);
    await auditRestore(config, path, manifest);
    report(path, manifest, out);
    return 0;
  } finally {
    lock.release();
  }
}

/** The checks `serve` runs (folder modes, TLS, …): a restore the server would refuse to start on is refused first. */
function refuseHighFindings(config: FrozenConfig): void {
  const high = runConfigChecks(config, gatherDeploymentFacts(config)).filter((f) => f.severity === 'high');
  if (high.length === 0) return;
  throw new CliError(`${refusalLines(new StartRefusedError(high))}; nothing was restored`);
}

/** Holds the data folder as a server would: refused while one runs, and none can start meanwhile. */
function holdForRestore(dataDir: string) {
  try {
    return holdDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof StartRefusedError)) throw error;
    const finding = error.findings[0];
    throw new CliError(
      `${finding?.message ?? 'a server is using the data folder'}; fix: stop that server, then restore`,
    );
  }
}

async function refuseExistingData(config: FrozenConfig, isReplacing: boolean): Promise<void> {
  if (isReplacing) return;
  const sqlitePath = join(config.dataDir, 'bulwark.db');
  const holds = config.database.url ? await postgresHasBulwarkTables(config) : existsSync(sqlitePath);
  if (!holds) return;
  const where = config.database.url
    ? 'the PostgreSQL database already holds Bulwark data'
    : `${sqlitePath} already exists`;
  throw new CliError(
    `${where}; fix: add --replace to replace it with the backup, or restore into another --data folder`,
  );
}

async function keyOf(header: BackupHeader, config: FrozenConfig, flags: RestoreFlags): Promise<Buffer> {
  if (header.keyMode === 'passphrase') {
    return backupKeyFromPassphrase(await readExistingPassphrase(flags), header.salt, header.kdf);
  }
  let masterKey: Buffer | null;
  try {
    masterKey = loadMasterKey(config.dataDir, config.masterKey);
  } catch (error) {
    if (error instanceof AppError) throw new CliError(error.detail ?? 'the master key is not usable');
    throw error;
  }
  if (masterKey) return backupKeyFromMasterKey(masterKey);
  throw new CliError(
    `this backup is sealed under a server's master key and there is none in ${masterKeyPath(config.dataDir)} or BULWARK_MASTER_KEY; fix: copy the master.key of the server that wrote it into the data folder (mode 0600), or set BULWARK_MASTER_KEY to it`,
  );
}

async function verifyAndApply(path: string, header: BackupHeader, baseKey: Buffer, config: FrozenConfig) {
  const stagingDir = await mkdtemp(join(config.dataDir, '.restore-work-'));
  const progress = startProgress('restore', 'bytes');
  try {
    const manifest = await unpackBackup({ path, header, baseKey, stagingDir, progress }).finally(() => progress.stop());
    const target = targetOf(config);
    const conflict = await findRestoreConflict(manifest, target, stagingDir);
    if (conflict) throw new CliError(`${conflict}; nothing was restored`);
    await applyRestore(manifest, target, stagingDir);
    return manifest;
  } catch (error) {
    throw refusalOrError(error, path, config, header.keyMode);
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

function targetOf(config: FrozenConfig): RestoreTarget {
  return {
    dataDir: config.dataDir,
    database: { url: config.database.url, sqlitePath: join(config.dataDir, 'bulwark.db') },
    masterKeyFromConfig: config.masterKey,
    masterKeyFile: masterKeyPath(config.dataDir),
  };
}

function refusalOrError(error: unknown, path: string, config: FrozenConfig, keyMode: KeyMode): unknown {
  if (error instanceof BackupRefusedError) {
    const keySource = masterKeySource(config.dataDir, config.masterKey);
    return new CliError(refusalOf(error, path, keyMode, keySource), EXIT_FINDINGS);
  }
  if (error instanceof PgToolError) {
    return new CliError(
      `${error.message}; the database was left as it was (one transaction); fix: check that BULWARK_DATABASE_URL reaches the database and its role may create tables`,
      EXIT_FINDINGS,
    );
  }
  return error;
}

/**
 * Opens the restored data as the server would (an older backup is migrated forward, the master
 * key is held against the data's key check) and records the restore in its audit chain.
 */
async function auditRestore(config: FrozenConfig, path: string, manifest: BackupManifest): Promise<void> {
  const core = await openCore(config).catch((error: unknown) => {
    if (!(error instanceof StartRefusedError)) throw error;
    throw new CliError(
      `restored, but the data does not open: ${error.findings.map((f) => `${f.message}; fix: ${f.fix}`).join('; ')}`,
      EXIT_FINDINGS,
    );
  });
  try {
    await core.audit.record({
      type: 'backup.restored',
      actor: 'cli',
      details: { file: path, createdAt: manifest.createdAt, keyMode: manifest.keyMode },
    });
  } finally {
    await core.close();
  }
}

function report(path: string, manifest: BackupManifest, out: Output): void {
  const { counts, createdAt, dialect } = manifest;
  const files = manifest.entries.filter((entry) => entry.name.startsWith('files/')).length;
  out.line(
    `restored ${path} (written ${createdAt}): ${dialect} database with ${counted(counts.users, 'user')}, ${counted(counts.collections, 'collection')}, ${counted(counts.auditEntries, 'audit entry', 'audit entries')}; ${counted(files, 'stored file')}`,
  );
  out.line(
    'every chunk and every entry was verified before anything was replaced; check the chain with: bulwark log verify',
  );
}
