// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)

import { mkdtempSync, rmSync } from 'node:fs';
import { Agent, get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO_ROOT, type RunningServer, spawnCli, startServer } from '../helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/** Requests in one burst, each numbered in its URL so that its log line can be found. */
const BURST_SIZE = 300;
/** Below the per-address connection cap (64), so no socket of the burst is refused. */
const BURST_CONNECTIONS = 16;

let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
beforeEach(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-log-')), 'data');
  database = await createTestDatabase();
  env = { ...database.env, BULWARK_LOG_LEVEL: 'info' };
});
afterEach(async () => {
  await database.drop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

interface LogLine {
  level: number;
  msg: string;
  url?: string;
  status?: number;
  origin?: string;
  signal?: string;
  err?: { message?: string };
}

const logLines = (server: RunningServer): LogLine[] =>
  server
    .stdout()
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);

/** The burst numbers of the request lines in the log. */
const loggedBurst = (lines: LogLine[]) =>
  new Set(lines.filter((line) => line.msg === 'request').map((line) => /[?&]burst=(\d+)/.exec(line.url ?? '')?.[1]));

/**
 * Sends BURST_SIZE numbered requests at once; resolves with the numbers that got an answer
 * (whatever its status: a request refused while the server closes is logged too).
 */
function sendBurst(url: string): Promise<string[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: BURST_CONNECTIONS });
  const one = (n: number) =>
    new Promise<string | null>((resolve) => {
      get(`${url}/api/health?burst=${n}`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(String(n)));
      }).on('error', () => resolve(null));
    });
  return Promise.all(Array.from({ length: BURST_SIZE }, (_, n) => one(n))).then((answered) => {
    agent.destroy();
    return answered.filter((n): n is string => n !== null);
  });
}

/** Preloads test/fixtures/server-faults.mjs, which brings on `fault` at SIGUSR2. */
const faultEnv = (fault: string) => ({
  NODE_OPTIONS: `--import=${join(REPO_ROOT, 'test/fixtures/server-faults.mjs')}`,
  SERVER_FAULT: fault,
});

/** Sends SIGUSR2 and waits for the fixture to say the fault is in place. */
function injectFault(server: RunningServer, announcement: string): Promise<void> {
  server.child.kill('SIGUSR2');
  return new Promise((resolve) => {
    const check = () => (server.stderr().includes(announcement) ? resolve() : setTimeout(check, 20));
    check();
  });
}

const serve = (extraEnv: Record<string, string> = {}) =>
  startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], { ...env, ...extraEnv }));

describe('request log', () => {
  it('a graceful stop writes every request line, even those still queued behind a busy threadpool', async () => {
    const server = await serve(faultEnv('hold-threadpool'));
    await injectFault(server, 'fault: threadpool held');
    // Answered at once (no pool work in them), but their log lines wait for a pool thread.
    const numbers = await sendBurst(server.url);
    expect(numbers).toHaveLength(BURST_SIZE);
    expect(await server.stop('SIGTERM')).toBe(0);
    const logged = loggedBurst(logLines(server));
    expect(numbers.filter((n) => !logged.has(n))).toEqual([]);
  });

  const crashes = [
    { name: 'an uncaught exception', failure: 'exception', code: 1, msg: 'crashed on an uncaught exception' },
    { name: 'an unhandled rejection', failure: 'rejection', code: 1, msg: 'crashed on an unhandled rejection' },
  ];
  it.each(crashes)(
    '$name writes a fatal line, and every request line still buffered, then exits $code',
    async (crash) => {
      const server = await serve(faultEnv(crash.failure));
      const numbers = await sendBurst(server.url);
      const code = await server.stop('SIGUSR2');
      expect(code).toBe(crash.code);
      const lines = logLines(server);
      const logged = loggedBurst(lines);
      expect(numbers.filter((n) => !logged.has(n))).toEqual([]);
      // Present once; not necessarily last: a write the OS was already given finishes on its own.
      expect(lines.filter((line) => line.level === 60)).toEqual([
        expect.objectContaining({
          msg: crash.msg,
          err: expect.objectContaining({ message: expect.stringMatching(/^test crash/) }),
        }),
      ]);
      expect(server.stderr()).toContain(`bulwark: ${crash.msg}: Error: test crash`);
    },
  );

  it('SIGHUP, which would kill the process outright, writes a fatal line and every request line still buffered', async () => {
    const server = await serve();
    const numbers = await sendBurst(server.url);
    const code = await server.stop('SIGHUP');
    expect(code).toBe(129);
    const lines = logLines(server);
    const logged = loggedBurst(lines);
    expect(numbers.filter((n) => !logged.has(n))).toEqual([]);
    expect(lines.filter((line) => line.level === 60)).toEqual([
      expect.objectContaining({ signal: 'SIGHUP', msg: expect.stringMatching(/^stopped by SIGHUP/) }),
    ]);
    expect(server.stderr()).toContain('bulwark: stopped by SIGHUP without draining requests in flight');
  });
});
