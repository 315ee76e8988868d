import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Where Debian's clamav-daemon puts clamd (scripts/services.sh installs it when missing). */
export const CLAMD_PATH = '/usr/sbin/clamd';

/**
 * A real clamd owned by one test file: its own config, socket, log and signature database in a
 * temp folder, no TCP. ClamAV cannot download signatures here (no freshclam), so the test
 * gives its database lines (`.hdb`: MD5, size, name); clamd loads only those and starts in
 * about a second.
 */
export interface ClamdServer {
  /** The unix socket clamd listens on. */
  socket: string;
  /** How long the last start took, until clamd answered PING. */
  startupMs: number;
  /** Stops clamd (SIGTERM) and waits until it has exited. */
  stop: () => Promise<void>;
  /** Starts it again with the same database and waits until it answers PING. */
  start: () => Promise<void>;
  /** Stops it for good and removes its folder (afterAll). */
  close: () => Promise<void>;
}

const START_TIMEOUT_MS = 20_000;

export async function startClamd(options: {
  hashSignatures: string[];
  streamMaxBytes?: number;
  /** More `clamd.conf` lines (archive limits, for instance). */
  extraConfig?: string[];
}): Promise<ClamdServer> {
  if (!existsSync(CLAMD_PATH)) {
    throw new Error(
      `${CLAMD_PATH} is missing: these tests need ClamAV's daemon. Install it (Debian: apt-get install clamav-daemon clamav; scripts/services.sh start does when run as root) and try again.`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'bulwark-clamd-'));
  const socket = join(dir, 'clamd.sock');
  mkdirSync(join(dir, 'db'));
  writeFileSync(join(dir, 'db', 'test.hdb'), `${options.hashSignatures.join('\n')}\n`);
  const lines = [
    'Foreground yes',
    `LocalSocket ${socket}`,
    `DatabaseDirectory ${join(dir, 'db')}`,
    `LogFile ${join(dir, 'clamd.log')}`,
    `PidFile ${join(dir, 'clamd.pid')}`,
    // No self-check reloads during a test run.
    'SelfCheck 0',
    ...(options.streamMaxBytes ? [`StreamMaxLength ${options.streamMaxBytes}`] : []),
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'clamd.conf'), `${lines.join('\n')}\n`);

  let child: ChildProcess | undefined;
  const server: ClamdServer = {
    socket,
    startupMs: 0,
    async start() {
      const startedAt = performance.now();
      const started = spawn(CLAMD_PATH, ['-c', join(dir, 'clamd.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
      child = started;
      let stderr = '';
      started.stderr?.on('data', (chunk) => {
        stderr += chunk;
      });
      const deadline = Date.now() + START_TIMEOUT_MS;
      while (!(await answersPing(socket))) {
        if (started.exitCode !== null || Date.now() > deadline) {
          started.kill('SIGKILL');
          throw new Error(`clamd did not start: ${stderr.trim() || logTail(dir)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      server.startupMs = Math.round(performance.now() - startedAt);
    },
    async stop() {
      const running = child;
      child = undefined;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = once(running, 'exit');
      running.kill('SIGTERM');
      await exited;
    },
    async close() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

function logTail(dir: string): string {
  try {
    return readFileSync(join(dir, 'clamd.log'), 'utf8').trim().split('\n').slice(-5).join(' | ');
  } catch {
    return 'no log written';
  }
}

/** True when the socket answers clamd's PING with PONG. */
function answersPing(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const client = connect({ path: socket });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      client.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), 1000);
    client.once('error', () => done(false));
    client.once('connect', () => client.write('zPING\0'));
    client.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\0')) done(reply.startsWith('PONG'));
    });
  });
}
