export { applyRestore, findRestoreConflict, type RestoreTarget } from './apply-restore.js';
export type { BackupHeader, KeyMode } from './backup-header.js';
export { backupKeyFromMasterKey, backupKeyFromPassphrase, MIN_PASSPHRASE_LENGTH } from './backup-keys.js';
export type { BackupManifest } from './backup-manifest.js';
export {
  type BackupSchedule,
  createBackupSchedule,
  scheduleIntervalMs,
} from './backup-schedule.js';
export { PgToolError } from './pg-tools.js';
export { BackupRefusedError, readBackupHeader, unpackBackup } from './read-backup.js';
export {
  type WrittenBackup,
  writeBackup,
} from './write-backup.js';
