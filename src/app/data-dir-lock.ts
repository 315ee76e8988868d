import { chmodSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { refuseStart } from './start-refused.js';

/** The file whose lock says "a server is using this data folder"; it holds no data. */
export const LOCK_FILE = 'server.lock';
/** The holder's process id, written after the lock is taken, so a refused start can name it. */
export const PID_FILE = 'server.pid';

export interface DataDirLock {
  release: () => void;
}

/**
 * Holds the data folder for this process, or refuses to start when another server holds it.
 * Two servers on one folder disagree silently: on SQLite each keeps its own lockouts and
 * bans, and on any database both move the one audit checkpoint file and share one key file.
 *
 * The lock is SQLite's own: a connection in `locking_mode=EXCLUSIVE` that has begun an
 * exclusive transaction keeps an OS file lock (fcntl on POSIX, LockFileEx on Windows) until it
 * closes. The operating system drops that lock when the process ends in any way, `kill -9`
 * and a crash included, so there is no stale lock to clean up and no pid-liveness guess (a
 * pid can be reused). Node has no `flock` of its own; better-sqlite3 is already our driver.
 */
export function holdDataDir(dataDir: string): DataDirLock {
  const lockPath = join(dataDir, LOCK_FILE);
  const pidPath = join(dataDir, PID_FILE);
  // timeout 0: a held lock is an answer, not something to wait for.
  const lock = new SqliteDatabase(lockPath, { timeout: 0 });
  try {
    // The lock database is never written: no journal file is needed beside it.
    lock.pragma('journal_mode = MEMORY');
    lock.pragma('locking_mode = EXCLUSIVE');
    lock.exec('BEGIN EXCLUSIVE; COMMIT');
  } catch (error) {
    lock.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    const holder = readHolderPid(pidPath);
    throw refuseStart(
      'data-folder-in-use',
      `another Bulwark server${holder ? ` (pid ${holder})` : ''} is using the data folder ${dataDir}`,
      'stop that server first, or give this one its own data folder with --data',
    );
  }
  chmodSync(lockPath, 0o600);
  writeFileSync(pidPath, `${process.pid}\n`, { mode: 0o600 });
  return {
    release() {
      // Remove the pid before letting go, so it never names a process that no longer holds the lock.
      rmSync(pidPath, { force: true });
      lock.close();
    },
  };
}

/** The pid the holder wrote; null when it has not written it yet or the file is unreadable. */
function readHolderPid(pidPath: string): number | null {
  try {
    const text = readFileSync(pidPath, 'utf8').trim();
    return /^\d+$/.test(text) ? Number(text) : null;
  } catch {
    return null;
  }
}
