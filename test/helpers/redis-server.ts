import { type ChildProcess, spawn } from 'node:child_process';
import { connect, createServer } from 'node:net';

/**
 * A throwaway redis-server owned by one test file, so that file can stop and start it without
 * disturbing the others (which share the one .ci/run starts, TEST_REDIS_URL). Loopback only, no
 * persistence: a restart comes back empty, as a crashed cache would.
 */
export interface RedisServer {
  url: string;
  port: number;
  /** Stops the server (SIGKILL by default, like a crash) and waits until its port refuses. */
  stop: (signal?: NodeJS.Signals) => Promise<void>;
  /** Starts it again on the same port and waits until it answers PING. */
  start: () => Promise<void>;
  isRunning: () => boolean;
  /** Freezes the process (SIGSTOP): connections stay open but nothing answers, as in a partition. */
  pause: () => void;
  /** Lets a paused server run again (SIGCONT). */
  resume: () => void;
  /** Stops it for good (afterAll). */
  close: () => Promise<void>;
}

/** The redis-server a test needs; fails with a clear message when Redis is not expected to be there. */
export function requireTestRedis(): string {
  const url = process.env.TEST_REDIS_URL;
  if (!url) {
    throw new Error(
      'TEST_REDIS_URL is not set: these tests need redis-server. Run `eval "$(scripts/services.sh start)"` ' +
        '(.ci/run does) and try again.',
    );
  }
  return url;
}

/** A port nobody listens on right now, found by binding port 0. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/** True when something on the port answers PING with PONG. */
function ping(port: number, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString('latin1');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
  });
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`redis-server: timed out waiting until ${what}`);
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();
  let output = '';

  const start = async () => {
    if (child) return;
    output = '';
    const spawned = spawn(
      'redis-server',
      ['--bind', '127.0.0.1', '--port', String(port), '--save', '', '--appendonly', 'no', '--loglevel', 'warning'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child = spawned;
    // Never outlive the test process, even when a failing test skips afterAll.
    const killOnExit = () => spawned.kill('SIGKILL');
    process.once('exit', killOnExit);
    void new Promise((resolve) => spawned.once('exit', resolve)).then(() => process.off('exit', killOnExit));
    spawned.stdout?.on('data', (chunk) => {
      output += chunk;
    });
    spawned.stderr?.on('data', (chunk) => {
      output += chunk;
    });
    const failedToSpawn = new Promise<Error>((resolve) => spawned.once('error', resolve));
    exited = new Promise((resolve) => spawned.once('exit', () => resolve()));
    void exited.then(() => {
      if (child === spawned) child = null;
    });
    const outcome = await Promise.race([
      waitFor(() => ping(port), 10_000, `it answers on port ${port}`).then(() => null),
      failedToSpawn,
      exited.then(() => new Error(`redis-server exited at start:\n${output}`)),
    ]);
    if (outcome instanceof Error) {
      child = null;
      throw new Error(`cannot start redis-server on port ${port}: ${outcome.message}`);
    }
  };

  const stop = async (signal: NodeJS.Signals = 'SIGKILL') => {
    const running = child;
    if (!running) return;
    running.kill('SIGCONT'); // a paused server could not act on SIGTERM
    running.kill(signal);
    await exited;
    child = null;
    await waitFor(async () => !(await ping(port, 200)), 5000, `port ${port} refuses`);
  };

  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop,
    start,
    isRunning: () => child !== null,
    pause: () => void child?.kill('SIGSTOP'),
    resume: () => void child?.kill('SIGCONT'),
    close: () => stop('SIGKILL'),
  };
}
