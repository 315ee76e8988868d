import { describe, expect, it } from 'vitest';
import { type RunningServer, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { attemptServe } from '../helpers/serve-attempt.js';
import { useServeFixture } from '../helpers/serve-fixture.js';

/**
 * Issue 14 item 5: two servers on one data folder disagree without a word (on SQLite each
 * keeps its own lockouts, so one answers 423 and the other 200 for the same account; on any
 * database both move the one audit checkpoint). `serve` holds the folder; a second is refused.
 */
const PASSWORD = 'correct horse battery staple 42';
/** A start takes seconds on a machine shared with other test runs. */
const START_TIMEOUT_MS = 90_000;
const fixture = useServeFixture('bulwark-lock-');

async function serve(): Promise<RunningServer> {
  const server = await startServer(
    spawnCli(['serve', '--port', '0', '--data', fixture.dataDir], fixture.env),
    START_TIMEOUT_MS,
  );
  fixture.running.push(server);
  return server;
}

// Each case starts the real binary several times; on a loaded machine one start takes seconds.
describe('one server per data folder', { timeout: 180_000 }, () => {
  it('a second serve on the same data folder is refused in one line naming the folder and the holder; the first keeps serving', async () => {
    const first = await serve();

    const second = await attemptServe(['--data', fixture.dataDir], fixture.env);
    expect(second.listened, second.stderr).toBe(false);
    expect(second.code).toBe(1);
    expect(second.stderr.trim()).toBe(
      `bulwark: refusing to start: another Bulwark server (pid ${first.child.pid}) is using the data folder ${fixture.dataDir} [data-folder-in-use]; fix: stop that server first, or give this one its own data folder with --data`,
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
      ['admin', 'create', '--email', 'ops-lead@example.com', '--data', fixture.dataDir],
      fixture.env,
      PASSWORD,
    );
    expect(admin.stderr).not.toContain('data-folder-in-use');
    expect(admin.code, admin.stderr).toBe(0);
    const revoke = await runCli(['sessions', 'revoke', '--all', '--data', fixture.dataDir], fixture.env);
    expect(revoke.code, revoke.stderr).toBe(0);
    const verify = await runCli(['log', 'verify', '--data', fixture.dataDir], fixture.env);
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
    const third = await attemptServe(['--data', fixture.dataDir], fixture.env);
    expect(third.listened).toBe(false);
    expect(third.stderr).toContain(`(pid ${next.child.pid})`);
    expect(await next.stop('SIGTERM')).toBe(0);
  });
});
