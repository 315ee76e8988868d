import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadMasterKey, masterKeySource } from '../app/master-key.js';
import { openCore, StartRefusedError } from '../app/open-core.js';
import { refusalLines } from '../app/start-refused.js';
import { BULWARK_VERSION } from '../app/version.js';
import type { FrozenConfig } from '../config/index.js';
import { backupKeyFromMasterKey, PgToolError, type WrittenBackup, writeBackup } from '../features/backup/index.js';
import type { PassphraseFlags } from './backup-passphrase.js';
import { readNewPassphrase } from './backup-passphrase.js';
import { requireInstallation } from './installation.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, counted, EXIT_FINDINGS, EXIT_INTERRUPTED, type Output } from './output.js';
import { startProgress } from './progress.js';

export interface BackupFlags extends CommonFlags, PassphraseFlags {
  out?: string;
}

/**
 * `bulwark backup FILE` (or `--out FILE`): an encrypted, integrity-checked backup of the
 * database, the local store's files and the audit checkpoint, taken while the server runs.
 * Sealed under a key derived from the master key, or under a passphrase (`--passphrase` on a
 * terminal, `--passphrase-stdin`) with the master key sealed inside. Audited either way.
 */
export async function runBackup(file: string | undefined, flags: BackupFlags, out: Output): Promise<number> {
  const target = backupTarget(file, flags.out);
  const config = loadCliConfig(flags);
  await requireInstallation(config);
  if (existsSync(target))
    throw new CliError(`${target} already exists; fix: choose a new file name, or remove it first`);
  const passphrase = await readNewPassphrase(flags);
  const core = await openCore(config).catch((error: unknown) => {
    if (!(error instanceof StartRefusedError)) throw error;
    throw new CliError(refusalLines(error), EXIT_FINDINGS);
  });
  const interrupt = abortOnSignals();
  try {
    const written = await writeWithProgress(config, target, passphrase, interrupt.signal).catch(
      async (error: unknown) => {
        const reason = interrupt.signal.aborted
          ? interrupted(target, interrupt.signal.reason)
          : describeFailure(error, target);
        await core.audit.record({
          type: 'backup.failed',
          actor: 'cli',
          details: { file: target, reason: reason.code },
        });
        throw new CliError(reason.message, reason.exitCode);
      },
    );
    await core.audit.record({
      type: 'backup.created',
      actor: 'cli',
      details: { file: target, bytes: written.bytes, keyMode: written.manifest.keyMode, files: filesIn(written) },
    });
    report(config, target, written, out);
    return 0;
  } finally {
    interrupt.stop();
    await core.close();
  }
}

/**
 * Ctrl-C (SIGINT) or SIGTERM while the backup is written stops it: the partial file and the
 * work folder are removed, the failure is audited. Listened for once: a second signal ends the
 * process at once, as it would without this.
 */
function abortOnSignals(): { signal: AbortSignal; stop: () => void } {
  const controller = new AbortController();
  const abort = (name: NodeJS.Signals) => controller.abort(name);
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    stop: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}

function interrupted(target: string, signal: unknown): Failure {
  return {
    code: 'interrupted',
    message: `the backup was stopped (${String(signal)}) before it was complete; the partial ${target} was removed, nothing was written; fix: run it again and let it finish`,
    exitCode: EXIT_INTERRUPTED,
  };
}

function backupTarget(file: string | undefined, outFlag: string | undefined): string {
  if (file !== undefined && outFlag !== undefined && resolve(file) !== resolve(outFlag)) {
    throw new CliError('two different backup files were given; fix: give the file once, as FILE or as --out FILE');
  }
  const target = file ?? outFlag;
  if (target === undefined) throw new CliError('no backup file given; fix: bulwark backup FILE (or --out FILE)');
  return resolve(target);
}

async function writeWithProgress(
  config: FrozenConfig,
  target: string,
  passphrase: string | undefined,
  signal: AbortSignal,
): Promise<WrittenBackup> {
  // openCore has just held this key against the data's key check.
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  if (!masterKey) throw new Error('the master key vanished after it was checked');
  const progress = startProgress('backup', 'bytes');
  try {
    return await writeBackup({
      out: target,
      dataDir: config.dataDir,
      database: { url: config.database.url, sqlitePath: join(config.dataDir, 'bulwark.db') },
      fileStorage: config.files.storage,
      sealing:
        passphrase === undefined
          ? { mode: 'master-key', backupKey: backupKeyFromMasterKey(masterKey) }
          : { mode: 'passphrase', passphrase, masterKey },
      bulwarkVersion: BULWARK_VERSION,
      progress,
      signal,
    });
  } finally {
    progress.stop();
  }
}

interface Failure {
  /** Short, for the audit entry. */
  code: string;
  /** One line for the operator: what happened and what to do. */
  message: string;
  exitCode: number;
}

/** A failure as one line for the operator and a short code for the audit entry; no internals. */
function describeFailure(error: unknown, target: string): Failure {
  if (error instanceof PgToolError) {
    return {
      code: 'pg_dump',
      message: `${error.message}; fix: check that BULWARK_DATABASE_URL reaches the database and that /usr/bin/pg_dump is of the server's major version or newer`,
      exitCode: EXIT_FINDINGS,
    };
  }
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'EEXIST')
    return { code, message: `${target} already exists; fix: choose a new file name`, exitCode: EXIT_FINDINGS };
  if (typeof code === 'string') {
    return {
      code,
      message: `the backup could not be written (${code}); nothing was left behind; fix: check space and permissions where ${target} goes`,
      exitCode: EXIT_FINDINGS,
    };
  }
  throw error;
}

function filesIn(written: WrittenBackup): number {
  return written.manifest.entries.filter((entry) => entry.name.startsWith('files/')).length;
}

function report(config: FrozenConfig, target: string, written: WrittenBackup, out: Output): void {
  const { counts, keyMode, dialect } = written.manifest;
  const megabytes = (written.bytes / 1_048_576).toFixed(1);
  out.line(
    `backup written to ${target} (${megabytes} MiB): ${dialect} database with ${counted(counts.users, 'user')}, ${counted(counts.collections, 'collection')}, ${counted(counts.auditEntries, 'audit entry', 'audit entries')}; ${counted(filesIn(written), 'stored file')}`,
  );
  if (written.vanishedFiles > 0) {
    out.line(
      `${counted(written.vanishedFiles, 'file')} deleted while the backup ran ${written.vanishedFiles === 1 ? 'is' : 'are'} not in it`,
    );
  }
  if (config.files.storage === 's3') {
    out.line(
      'uploaded files are in the S3 bucket and are NOT in this backup; back the bucket up on its own (versioning or replication)',
    );
  }
  out.line(
    keyMode === 'passphrase'
      ? 'sealed with the passphrase; the master key is sealed inside, so it restores on a new machine with the passphrase alone'
      : `sealed with a key derived from the master key (${masterKeySource(config.dataDir, config.masterKey)}); keep a copy of that key apart from the backup: restoring needs it`,
  );
}
