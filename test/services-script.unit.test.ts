// @module-tag slow (starts PostgreSQL and redis-server: skipped by `npm run test:quick`)
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT } from './helpers/run-cli.js';
import { withClient } from './helpers/test-database.js';

/**
 * scripts/services.sh, as `npm test` and `.ci/run` use it: every run gets its own PostgreSQL and
 * Redis (its own folder, free ports), and one run's `stop` ends only its own servers. Before,
 * two runs shared one folder and two fixed ports, and the first to finish stopped the other's.
 */
const canRun = process.getuid?.() === 0 && existsSync('/usr/lib/postgresql') && existsSync('/usr/bin/redis-server');

interface Run {
  dir: string;
  databaseUrl: string;
  redisUrl: string;
}
const runs: Run[] = [];

function services(command: 'start' | 'stop', env: Record<string, string> = {}) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    // Not inheriting this process's TEST_* or BULWARK_SERVICES_DIR: a run as a new user starts it.
    const base = cleanEnv(env);
    delete base.BULWARK_SERVICES_DIR;
    const child = spawn('bash', ['scripts/services.sh', command], { cwd: REPO_ROOT, env: { ...base, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function start(): Promise<Run> {
  const result = await services('start');
  expect(result.code, result.stderr).toBe(0);
  const exported = Object.fromEntries(
    [...result.stdout.matchAll(/^export (\w+)=(\S+)$/gm)].map((match) => [match[1], match[2]]),
  );
  const run = {
    dir: exported.BULWARK_SERVICES_DIR as string,
    databaseUrl: exported.TEST_DATABASE_URL as string,
    redisUrl: exported.TEST_REDIS_URL as string,
  };
  runs.push(run);
  return run;
}

const stop = (run: Run) => services('stop', { BULWARK_SERVICES_DIR: run.dir });

function redisAnswers(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(Number(new URL(url).port), '127.0.0.1');
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (chunk) => {
      socket.destroy();
      resolve(chunk.toString().startsWith('+PONG'));
    });
    socket.once('error', () => resolve(false));
  });
}

const postgresAnswers = (url: string) =>
  withClient(url, (client) => client.query('SELECT 1')).then(
    () => true,
    () => false,
  );

afterAll(async () => {
  for (const run of runs) if (existsSync(run.dir)) await stop(run);
});

describe.skipIf(!canRun)('scripts/services.sh', () => {
  it('gives two runs at once their own folders and ports; stopping one leaves the other running', async () => {
    const [first, second] = await Promise.all([start(), start()]);
    expect(first.dir).not.toBe(second.dir);
    expect(new URL(first.databaseUrl).port).not.toBe(new URL(second.databaseUrl).port);
    expect(new URL(first.redisUrl).port).not.toBe(new URL(second.redisUrl).port);
    for (const run of [first, second]) {
      expect(await postgresAnswers(run.databaseUrl)).toBe(true);
      expect(await redisAnswers(run.redisUrl)).toBe(true);
    }

    expect((await stop(first)).code).toBe(0);
    expect(existsSync(first.dir)).toBe(false);
    expect(await postgresAnswers(first.databaseUrl)).toBe(false);
    expect(await redisAnswers(first.redisUrl)).toBe(false);
    // The other run's servers are untouched.
    expect(await postgresAnswers(second.databaseUrl)).toBe(true);
    expect(await redisAnswers(second.redisUrl)).toBe(true);

    expect((await stop(second)).code).toBe(0);
    expect(existsSync(second.dir)).toBe(false);
    expect(await redisAnswers(second.redisUrl)).toBe(false);
  });

  it('stop refuses a folder that start did not make, and removes nothing', async () => {
    const foreign = mkdtempSync(join(tmpdir(), 'bulwark-not-services-'));
    try {
      const result = await services('stop', { BULWARK_SERVICES_DIR: foreign });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('nothing stopped');
      expect(existsSync(foreign)).toBe(true);
      const unset = await services('stop');
      expect(unset.code).toBe(2);
    } finally {
      rmSync(foreign, { recursive: true, force: true });
    }
  });
});
