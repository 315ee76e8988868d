import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeMasterKey } from '../../lib/crypto/master-key.js';
import { CHECKPOINT_FILE } from '../audit/index.js';
import { filesFolder } from '../files/index.js';
import type { BackupManifest } from './backup-manifest.js';
import { SQLITE_ENTRY } from './database-snapshot.js';
import { PG_RESTORE, pgConnectionOf, runPgTool } from './pg-tools.js';

export interface RestoreTarget {
  dataDir: string;
  database: { url: string | undefined; sqlitePath: string };
  /** BULWARK_MASTER_KEY, when the server takes its key from the environment. */
  masterKeyFromConfig: string | undefined;
  masterKeyFile: string;
}

/**
 * What would stop `applyRestore` before it changes anything: a backup of the other database
 * kind, or a passphrase backup whose master key differs from the one BULWARK_MASTER_KEY forces.
 * Returns one sentence with its fix, or null.
 */
export async function findRestoreConflict(
  manifest: BackupManifest,
  target: RestoreTarget,
  stagingDir: string,
): Promise<string | null> {
  const dialect = target.database.url ? 'postgres' : 'sqlite';
  if (manifest.dialect !== dialect) {
    const want =
      manifest.dialect === 'postgres'
        ? 'set BULWARK_DATABASE_URL to a PostgreSQL database'
        : 'unset BULWARK_DATABASE_URL to restore into SQLite';
    return `the backup holds a ${manifest.dialect} database but this configuration uses ${dialect}; fix: ${want}`;
  }
  if (manifest.masterKeyIncluded && target.masterKeyFromConfig !== undefined) {
    const included = decodeMasterKey(await readFile(join(stagingDir, 'master.key'), 'utf8'));
    const configured = decodeMasterKey(target.masterKeyFromConfig);
    if (!included || !configured || !included.equals(configured)) {
      return `BULWARK_MASTER_KEY is not the master key this backup's data was written under; fix: unset it (the restore writes the backup's key to ${target.masterKeyFile}), or set it to that key`;
    }
  }
  return null;
}

/** Moves `from` onto `to` (a file or folder), or removes `to` when the backup has no `from`. */
async function replacePath(from: string, to: string, asideDir: string): Promise<void> {
  if (existsSync(to)) await rename(to, join(asideDir, `old-${Date.now()}-${Math.random().toString(36).slice(2)}`));
  if (existsSync(from)) await rename(from, to);
}

/**
 * Replaces the data with a verified, staged backup. The database goes first: on PostgreSQL,
 * pg_restore runs in one transaction (`--single-transaction --exit-on-error`), so a failure
 * leaves the database as it was and nothing else is touched. `--clean --if-exists` drops each
 * object the backup holds before recreating it; objects the backup does not hold stay.
 * The staging folder must be on the data folder's file system (renames, not copies).
 */
export async function applyRestore(manifest: BackupManifest, target: RestoreTarget, stagingDir: string): Promise<void> {
  const aside = join(stagingDir, 'replaced');
  await rm(aside, { recursive: true, force: true });
  await mkdir(aside, { mode: 0o700 });
  if (target.database.url) {
    const connection = pgConnectionOf(target.database.url);
    const dump = join(stagingDir, 'database', 'bulwark.pgdump');
    await runPgTool(
      PG_RESTORE,
      [
        '--clean',
        '--if-exists',
        '--no-owner',
        '--no-privileges',
        '--single-transaction',
        '--exit-on-error',
        `--dbname=${connection.uri}`,
        dump,
      ],
      connection.env,
    );
  } else {
    // The old database's write-ahead log must not be replayed into the restored file.
    await rm(`${target.database.sqlitePath}-wal`, { force: true });
    await rm(`${target.database.sqlitePath}-shm`, { force: true });
    await replacePath(join(stagingDir, ...SQLITE_ENTRY.split('/')), target.database.sqlitePath, aside);
    await chmod(target.database.sqlitePath, 0o600);
  }
  await replacePath(join(stagingDir, CHECKPOINT_FILE), join(target.dataDir, CHECKPOINT_FILE), aside);
  if (manifest.fileStorage === 'local') {
    await replacePath(join(stagingDir, 'files'), filesFolder(target.dataDir), aside);
  }
  if (manifest.masterKeyIncluded && target.masterKeyFromConfig === undefined) {
    await replacePath(join(stagingDir, 'master.key'), target.masterKeyFile, aside);
    await chmod(target.masterKeyFile, 0o600);
  }
}
