import { join } from 'node:path';
import type { Logger } from 'pino';
import { type BackupSchedule, createBackupSchedule, scheduleIntervalMs } from '../features/backup/index.js';
import type { Core } from './open-core.js';
import { BULWARK_VERSION } from './version.js';

/**
 * The server's scheduled backups (`backup.schedule`), sealed under the `backup` key derived
 * from the master key: the schedule never holds the master key itself, and a stolen backup
 * is useless without it. Nothing runs when the schedule is empty.
 */
export function createAppBackups(core: Core, logger: Logger): BackupSchedule {
  const { config } = core;
  return createBackupSchedule({
    backup: {
      dataDir: config.dataDir,
      database: { url: config.database.url, sqlitePath: join(config.dataDir, 'bulwark.db') },
      fileStorage: config.files.storage,
      sealing: { mode: 'master-key', backupKey: core.deriveKey('backup') },
      bulwarkVersion: BULWARK_VERSION,
    },
    intervalMs: scheduleIntervalMs(config.backup.schedule),
    dir: config.backup.dir,
    keep: config.backup.keep,
    audit: core.audit,
    now: Date.now,
    onProblem: (message) => logger.error(message),
  });
}
