import { join } from 'node:path';
import type { Logger } from 'pino';
import {
  type BackupSchedule,
  backupKeyFromMasterKey,
  createBackupSchedule,
  scheduleIntervalMs,
} from '../features/backup/index.js';
import { describeData, unlockForReading } from './key-check.js';
import { loadMasterKey, masterKeyPath } from './master-key.js';
import type { Core } from './open-core.js';
import { refusalLines, refuseStart, StartRefusedError } from './start-refused.js';
import { BULWARK_VERSION } from './version.js';

/**
 * The server's scheduled backups (`backup.schedule`), sealed under the `backup` key derived
 * from the master key, as `bulwark backup` seals them, so `bulwark restore` opens both with the
 * key that also opens the data inside. The key is read again at every run and checked against
 * the data: after `bulwark keys rotate --master` the new key file is used, and a replaced
 * `BULWARK_MASTER_KEY` fails the run (audited as `backup.failed`, reason
 * `master-key-replaced`) rather than sealing backups nobody could open with the current key.
 * Nothing runs when the schedule is empty.
 */
export function createAppBackups(core: Core, logger: Logger): BackupSchedule {
  const { config } = core;
  return createBackupSchedule({
    backup: {
      dataDir: config.dataDir,
      database: { url: config.database.url, sqlitePath: join(config.dataDir, 'bulwark.db') },
      fileStorage: config.files.storage,
      bulwarkVersion: BULWARK_VERSION,
    },
    backupKey: () => currentBackupKey(core),
    intervalMs: scheduleIntervalMs(config.backup.schedule),
    dir: config.backup.dir,
    keep: config.backup.keep,
    audit: core.audit,
    now: Date.now,
    onProblem: (message) => logger.error(message),
  });
}

async function currentBackupKey(core: Core): Promise<Buffer> {
  const { config } = core;
  const masterKey = loadMasterKey(config.dataDir, config.masterKey);
  try {
    if (!masterKey) {
      throw refuseStart(
        'master-key-missing',
        `there is no master key in ${masterKeyPath(config.dataDir)} or BULWARK_MASTER_KEY any more`,
        'put the master key back (the file with mode 0600, or the variable) so scheduled backups can be sealed',
      );
    }
    await unlockForReading(core.database, masterKey, config, describeData(config));
  } catch (error) {
    if (!(error instanceof StartRefusedError)) throw error;
    // The finding's id is the audited reason; its line (no secret in it) goes to the log.
    throw Object.assign(new Error(refusalLines(error)), { code: error.findings[0]?.id ?? 'master-key-refused' });
  }
  return backupKeyFromMasterKey(masterKey);
}
