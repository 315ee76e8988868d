import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type RunningServer, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { attemptServe } from '../helpers/serve-attempt.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Issue 14 item 5: two servers on one data folder disagree without a word (on SQLite each
 * keeps its own lockouts, so one answers 423 and the other 200 for the same account; on any
 * database both move the one audit checkpoint). `serve` holds the folder; a second is refused.
 */
const PASSWORD = 'correct horse battery staple 42';
/** A start takes seconds on a machine shared with other test runs. */
const START_TIMEOUT_MS = 90_000;
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
const running: RunningServer[] = [];
beforeEach(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-lock-')), 'data');
  database = await createTestDatabase();
  env = {
    ...database.env,
    BULWARK_LOG_LEVEL: 'warn',
    BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
    BULWARK_AUTH_ARGON2_ITERATIONS: '1',
    // No load shedding: parallel test files on two cores starve the event loop now and then.
    BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0',
  };
});
afterEach(async () => {
  for (const server of running.splice(0)) {
    if (server.child.exitCode === null && server.child.signalCode === null) await server.stop('SIGKILL');
  }
  await database.drop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

async function serve(): Promise<RunningServer> {
  const server = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env), START_TIMEOUT_MS);
  running.push(server);
  return server;
}

// Each case starts the real binary several times; on a loaded machine one start takes seconds.
describe('one server per data folder', { timeout: 180_000 }, () => {
  it('a second serve on the same data folder is refused in one line naming the folder and the holder; the first keeps serving', async () => {
    const first = await serve();

    const second = await attemptServe(['--data', dataDir], env);
    expect(second.listened, second.stderr).toBe(false);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `bulwark: refusing to start: another Bulwark server (pid ${first.child.pid}) is using the data folder ${dataDir} [data-folder-in-use]; fix: stop that server first, or give this one its own data folder with --data`,
    );

    expect((await fetch(`${first.url}/api/health`)).status).toBe(200);
    const signIn = await fetch(`${first.url}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'nobody@example.com', password: PASSWORD }),
    });
    expect(signIn.status).toBe(401);
    expect(await first.stop('SIGTERM')).toBe(0);
  });

  it('commands that are safe beside a running server still work beside it', async () => {
    const server = await serve();

    const admin = await runCli(
      ['admin', 'create', '--email', 'ops-lead@example.com', '--data', dataDir],
      env,
      PASSWORD,
    );
    expect(admin.stderr).not.toContain('data-folder-in-use');
    expect(admin.code, admin.stderr).toBe(0);
    const revoke = await runCli(['sessions', 'revoke', '--all', '--data', dataDir], env);
    expect(revoke.code, revoke.stderr).toBe(0);
    const verify = await runCli(['log', 'verify', '--data', dataDir], env);
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    expect(verify.stdout).toMatch(/audit log intact/);

    // The administrator the command created signs in on the running server.
    const signIn = await fetch(`${server.url}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'ops-lead@example.com', password: PASSWORD }),
    });
    expect(signIn.status).toBe(200);
    expect(await server.stop('SIGTERM')).toBe(0);
  });

  it('after kill -9 of the holder the operating system frees the folder: the next serve starts', async () => {
    const first = await serve();
    expect(await first.stop('SIGKILL')).toBeNull();

    const next = await serve();
    expect((await fetch(`${next.url}/api/health`)).status).toBe(200);
    // The new holder names itself: a third start is refused with its pid, not the dead one's.
    const third = await attemptServe(['--data', dataDir], env);
    expect(third.listened).toBe(false);
    expect(third.stderr).toContain(`(pid ${next.child.pid})`);
    expect(await next.stop('SIGTERM')).toBe(0);
  });
});
