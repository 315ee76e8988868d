import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { type ListeningSocket, parseProcNetTcp } from './proc-net.js';

/** How a Node.js process was started: its command line and the NODE_OPTIONS it was given. */
export interface NodeLaunch {
  /** Who this is, for messages: `the running server (pid 1234)` or `this shell`. */
  who: string;
  args: readonly string[];
  /** undefined when unset; `unreadable` when the environment could not be read. */
  nodeOptions: string | undefined | 'unreadable';
}

export type RunningServer =
  | { state: 'none' }
  | { state: 'not-inspected'; pid: number; reason: string }
  | { state: 'inspected'; pid: number; launch: NodeLaunch; listening: readonly ListeningSocket[] };

/** What `holdDataDir` (src/app/data-dir-lock.ts) keeps open and writes; named here to stay in step. */
export interface LockFiles {
  lockFile: string;
  pidFile: string;
}

/**
 * The server holding `dataDir`, seen through Linux's /proc: its command line, its environment's
 * NODE_OPTIONS (readable only by its own user and root), and its listening TCP sockets. The pid
 * file alone is not trusted (a crashed server leaves it, and the pid may be reused): the
 * process must hold the data folder's lock file open. Elsewhere it says it could not look.
 */
export function inspectRunningServer(dataDir: string, files: LockFiles, procRoot = '/proc'): RunningServer {
  const pid = readPid(join(dataDir, files.pidFile));
  if (pid === null) return { state: 'none' };
  const processDir = join(procRoot, String(pid));
  const fds = readFds(join(processDir, 'fd'));
  if (fds === 'no-proc') return notInspected(pid, 'this system has no /proc to look at it through');
  if (fds === 'gone') return { state: 'none' };
  if (fds === 'denied') return notInspected(pid, 'it runs as another user; run bulwark audit as the server’s user');
  const lockPath = realpathOr(join(dataDir, files.lockFile));
  if (!fds.includes(lockPath)) return { state: 'none' };
  const args =
    readFileOr(join(processDir, 'cmdline'))
      ?.split('\0')
      .filter((arg) => arg !== '') ?? [];
  const environ = readFileOr(join(processDir, 'environ'));
  const inodes = new Set(fds.flatMap((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1] ?? []));
  const listening = ['tcp', 'tcp6'].flatMap((table) =>
    parseProcNetTcp(readFileOr(join(processDir, 'net', table)) ?? '').filter((socket) => inodes.has(socket.inode)),
  );
  return {
    state: 'inspected',
    pid,
    launch: { who: `the running server (pid ${pid})`, args, nodeOptions: nodeOptionsFrom(environ) },
    listening,
  };
}

const notInspected = (pid: number, reason: string): RunningServer => ({ state: 'not-inspected', pid, reason });

function readPid(path: string): number | null {
  const text = readFileOr(path)?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : null;
}

/** The targets of the process's open file descriptors (`/srv/data/server.lock`, `socket:[123]`). */
function readFds(fdDir: string): string[] | 'no-proc' | 'gone' | 'denied' {
  let names: string[];
  try {
    names = readdirSync(fdDir);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') return 'denied';
    if (code === 'ENOENT') return pathExists(join(fdDir, '..', '..')) ? 'gone' : 'no-proc';
    return 'denied';
  }
  return names.flatMap((name) => {
    try {
      return [readlinkSync(join(fdDir, name))];
    } catch {
      // Closed between listing and reading.
      return [];
    }
  });
}

function nodeOptionsFrom(environ: string | null): string | undefined | 'unreadable' {
  if (environ === null) return 'unreadable';
  const entry = environ.split('\0').find((pair) => pair.startsWith('NODE_OPTIONS='));
  return entry?.slice('NODE_OPTIONS='.length);
}

function readFileOr(path: string): string | null {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return null;
  }
}

function realpathOr(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function pathExists(path: string): boolean {
  try {
    readdirSync(path);
    return true;
  } catch {
    return false;
  }
}
