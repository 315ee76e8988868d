import type { BackupRefusedError, KeyMode } from '../features/backup/index.js';

/**
 * The one line a refused backup file gets: what is wrong with it, that nothing was restored,
 * and what to do. `keySource` names where the master key came from (master-key mode).
 */
export function refusalOf(error: BackupRefusedError, path: string, keyMode: KeyMode, keySource: string): string {
  const untouched = 'nothing was restored';
  switch (error.reason) {
    case 'not-a-backup':
      return `${path}: ${error.message}; ${untouched}; fix: give the path of a file written by bulwark backup`;
    case 'wrong-key':
      return keyMode === 'passphrase'
        ? `the passphrase does not open ${path} (a different passphrase, or its header was altered); ${untouched}; fix: give the passphrase it was written with`
        : `the master key from ${keySource} does not open ${path} (it was written under another master key, or its header was altered); ${untouched}; fix: restore with the master key of the server that wrote it (its master.key, or BULWARK_MASTER_KEY)`;
    case 'tampered':
      return `${path} ${error.message}; ${untouched}; fix: restore from another copy of this backup`;
    case 'truncated':
      return `${path} ${error.message} (cut short while copying?); ${untouched}; fix: copy it again from where it is stored`;
    case 'contents':
      return `${path}: ${error.message}; ${untouched}; fix: restore from another copy of this backup`;
  }
}
