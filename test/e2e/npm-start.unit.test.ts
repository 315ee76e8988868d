// @module-tag slow (starts npm and the real binary: skipped by `npm run test:quick`)
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT, startServer } from '../helpers/run-cli.js';

/**
 * What the README's quick start runs, `npm start`, stopped the way Docker and systemd stop a
 * service (SIGTERM to the process they started) and the way a terminal does (Ctrl-C: SIGINT to
 * the whole process group). A stop that reaches only npm leaves the server serving, orphaned.
 */
let dataDir: string;
let started: ChildProcess[] = [];
let seenPids: number[] = [];
beforeEach(() => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-npm-start-')), 'data');
});
afterEach(() => {
  // A failing run may leave the server behind: end it so it does not outlive the test.
  for (const pid of seenPids) if (isBulwark(pid)) process.kill(pid, 'SIGKILL');
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  started = [];
  seenPids = [];
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

/** `npm start -- --port 0 --data DIR`: the README's command, on a free port and a folder of its own. */
function npmStart(options: { ownProcessGroup: boolean }): { npm: ChildProcess; outputClosed: Promise<void> } {
  const child = spawn('npm', ['start', '--', '--port', '0', '--data', dataDir], {
    cwd: REPO_ROOT,
    env: cleanEnv({ BULWARK_LOG_LEVEL: 'warn', npm_config_update_notifier: 'false' }),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownProcessGroup,
  });
  started.push(child);
  // Its output ends when the last process holding it (npm or the server) has ended.
  const outputClosed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  return { npm: child, outputClosed };
}

/** Every process below `pid` now (children, grandchildren, …), read from /proc. */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      // Field 4 of /proc/PID/stat is the parent; the name before it is in parentheses.
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // The process ended while we were reading.
    }
  }
  const found: number[] = [];
  for (const [child] of parentOf) {
    for (let up = parentOf.get(child); up !== undefined; up = parentOf.get(up)) {
      if (up === pid) {
        found.push(child);
        break;
      }
    }
  }
  return found;
}

/** True while `pid` is a live Bulwark process (its command line runs dist/main.js). */
function isBulwark(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('dist/main.js');
  } catch {
    return false;
  }
}

function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** Whether anything accepts a TCP connection on the port. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

describe('npm start (the README quick start)', () => {
  it('stops the server on SIGTERM to the npm process: the port stops answering, no bulwark process is left', async () => {
    const { npm, outputClosed } = npmStart({ ownProcessGroup: false });
    const server = await startServer(npm);
    const port = Number(new URL(server.url).port);
    seenPids = descendants(npm.pid as number);
    expect(seenPids.some(isBulwark)).toBe(true);
    expect(await answers(port)).toBe(true);

    npm.kill('SIGTERM');
    await exited(npm);

    expect(await answers(port)).toBe(false);
    expect(seenPids.filter(isBulwark)).toEqual([]);
    await outputClosed;
    expect(server.stderr()).toContain('Bulwark stopped');
  });

  it('drains and stops cleanly on Ctrl-C (SIGINT to the process group), exit code 0', async () => {
    const { npm, outputClosed } = npmStart({ ownProcessGroup: true });
    const server = await startServer(npm);
    const port = Number(new URL(server.url).port);
    seenPids = descendants(npm.pid as number);

    // A terminal's Ctrl-C signals every process of the foreground group; npm forwards it too.
    process.kill(-(npm.pid as number), 'SIGINT');
    const { code, signal } = await exited(npm);

    expect(await answers(port)).toBe(false);
    expect(seenPids.filter(isBulwark)).toEqual([]);
    await outputClosed;
    // Stopped once, after finishing the drain: not killed half-way by the second SIGINT.
    expect(server.stderr()).toContain('Bulwark stopping (SIGINT)');
    expect(server.stderr()).toContain('Bulwark stopped');
    expect({ code, signal }).toEqual({ code: 0, signal: null });
  });
});
