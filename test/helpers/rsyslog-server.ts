import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { freePort } from './redis-server.js';

/**
 * A real rsyslogd owned by one test file: imtcp on 127.0.0.1 with the GnuTLS stream driver in
 * TLS-only mode (`StreamDriver.Mode="1"`, clients anonymous), writing every message whose
 * APP-NAME is `bulwark` to `file` exactly as received (`%rawmsg%`: the RFC 5424 message without
 * its octet count), one per line. Anything else goes to `other.log` beside it.
 */
export interface RsyslogServer {
  port: number;
  /** The receiver's copy of the shipped audit log. */
  file: string;
  /** Lines of `file` so far. */
  lines: () => string[];
  /** Stops rsyslogd (SIGTERM: it closes its connections and flushes its queue) and waits for it to exit. */
  stop: () => Promise<void>;
  /** Starts it again on the same port and waits until it accepts connections. */
  start: () => Promise<void>;
}

export const RSYSLOGD = '/usr/sbin/rsyslogd';

export function rsyslogConfig(options: {
  dir: string;
  port: number;
  caFile: string;
  certFile: string;
  keyFile: string;
}) {
  const { dir, port } = options;
  return `global(
  workDirectory="${join(dir, 'work')}"
  maxMessageSize="64k"
  defaultNetstreamDriver="gtls"
  defaultNetstreamDriverCAFile="${options.caFile}"
  defaultNetstreamDriverCertFile="${options.certFile}"
  defaultNetstreamDriverKeyFile="${options.keyFile}"
)
module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
input(type="imtcp" port="${port}" address="127.0.0.1")
template(name="BulwarkRaw" type="string" string="%rawmsg%\\n")
if $app-name == "bulwark" then {
  action(type="omfile" file="${join(dir, 'audit.log')}" template="BulwarkRaw")
  stop
}
action(type="omfile" file="${join(dir, 'other.log')}")
`;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitFor(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`rsyslogd: timed out waiting until ${what}`);
}

export async function startRsyslog(options: {
  dir: string;
  caFile: string;
  certFile: string;
  keyFile: string;
}): Promise<RsyslogServer> {
  const port = await freePort();
  mkdirSync(join(options.dir, 'work'), { recursive: true });
  const configFile = join(options.dir, 'rsyslog.conf');
  writeFileSync(configFile, rsyslogConfig({ ...options, port }));
  const file = join(options.dir, 'audit.log');
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const start = async () => {
    if (child) return;
    let output = '';
    const spawned = spawn(RSYSLOGD, ['-n', '-f', configFile, '-i', join(options.dir, 'rsyslogd.pid')], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child = spawned;
    // Never outlive the test process, even when a failing test skips afterAll.
    const killOnExit = () => spawned.kill('SIGKILL');
    process.once('exit', killOnExit);
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    void exited.then(() => {
      process.off('exit', killOnExit);
      if (child === spawned) child = null;
    });
    spawned.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    spawned.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    await waitFor(async () => {
      if (child !== spawned) throw new Error(`rsyslogd exited at start:\n${output}`);
      return accepts(port);
    }, `it accepts connections on port ${port}`);
  };

  const stop = async () => {
    const running = child;
    if (!running) return;
    running.kill('SIGTERM');
    await exited;
    child = null;
    await waitFor(async () => !(await accepts(port)), `port ${port} refuses`);
  };

  await start();
  return {
    port,
    file,
    lines: () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : []),
    stop,
    start,
  };
}
