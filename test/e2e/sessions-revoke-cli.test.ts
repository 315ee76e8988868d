// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { cookieFor, signIn } from '../helpers/auth-client.js';
import { type Account, bearer, newApiKey, newUser } from '../helpers/collections-client.js';
import { runCli } from '../helpers/run-cli.js';
import { LogCapture, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark sessions revoke` against the data folder (and database) of a running server: the
 * server's sign-ins fail at their next request, and the command is in the audit log.
 */

let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
let app: TestApp;

beforeEach(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-revoke-')), 'data');
  database = await createTestDatabase();
  env = {
    ...database.env,
    BULWARK_LOG_LEVEL: 'warn',
    BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
    BULWARK_AUTH_ARGON2_ITERATIONS: '1',
  };
  const config = loadConfig({
    env: { ...env, BULWARK_DATA_DIR: dataDir, BULWARK_PORT: '0', BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0' },
    cwd: dataDir,
  });
  const server = await createApp({ config, logStream: new LogCapture() });
  app = Object.assign(server, { logs: new LogCapture(), dataDir, close: () => server.stop('test finished') });
});
afterEach(async () => {
  await app.close();
  await database.drop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

/** A user holding a bearer family (from newUser), a cookie session and an API key. */
async function signedInUser(label: string) {
  const user = await newUser(app, label);
  const browser = await signIn(app, user.email);
  const key = await newApiKey(app, user, ['profile:read']);
  return { user, cookie: browser.token, key };
}

async function statuses(holder: { user: Account; cookie: string; key: Record<string, string> }) {
  const me = async (headers: Record<string, string>) =>
    (await app.http.inject({ url: '/api/auth/me', headers })).statusCode;
  return {
    bearer: await me(holder.user.headers),
    cookie: await me({ cookie: cookieFor(holder.cookie) }),
    apiKey: await me(holder.key),
  };
}

const revoke = (...args: string[]) => runCli(['sessions', 'revoke', ...args, '--data', dataDir], env);

async function auditEvents(type: string) {
  const rows = await app.database.db.selectFrom('audit_log').selectAll().where('type', '=', type).execute();
  return rows.map((row) => ({ actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> }));
}

describe('bulwark sessions revoke', () => {
  it('--all ends every session and token family of a running server, and is audited', async () => {
    const holders = [await signedInUser('a'), await signedInUser('b')];
    for (const holder of holders) expect(await statuses(holder)).toEqual({ bearer: 200, cookie: 200, apiKey: 200 });

    const result = await revoke('--all');
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('revoked 4 sessions\n');
    for (const holder of holders) {
      // API keys are not sessions; `--user` (or disabling the user) revokes them.
      expect(await statuses(holder)).toEqual({ bearer: 401, cookie: 401, apiKey: 200 });
    }
    expect(await auditEvents('admin.sessions.revoke_all')).toEqual([{ actor: 'cli', details: { sessionsEnded: 4 } }]);
    // Running it again finds nothing left.
    expect((await revoke('--all')).stdout).toBe('revoked 0 sessions\n');
    const stillRefused = await app.http.inject({
      url: '/api/auth/me',
      headers: bearer(holders[0]?.user.accessToken ?? ''),
    });
    expect(stillRefused.statusCode).toBe(401);
  });

  it("--user ends one user's sessions and revokes its API keys, and nobody else's", async () => {
    const target = await signedInUser('target');
    const bystander = await signedInUser('bystander');
    const result = await revoke('--user', target.user.email.toUpperCase());
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`revoked 2 sessions and 1 API key of ${target.user.email}\n`);
    expect(await statuses(target)).toEqual({ bearer: 401, cookie: 401, apiKey: 401 });
    expect(await statuses(bystander)).toEqual({ bearer: 200, cookie: 200, apiKey: 200 });
    expect(await auditEvents('admin.user.sessions.revoke')).toEqual([
      {
        actor: 'cli',
        details: { userId: target.user.id, email: target.user.email, sessionsEnded: 2, keysRevoked: 1 },
      },
    ]);

    const unknown = await revoke('--user', 'nobody@example.com');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe('bulwark: no user with email nobody@example.com; fix: check the address\n');
  });

  it('counts in words that agree with the number: 1 session, 1 API key, 0 sessions (issue 14 item 9)', async () => {
    const user = await newUser(app, 'single');
    await newApiKey(app, user, ['profile:read']);
    expect((await revoke('--user', user.email)).stdout).toBe(`revoked 1 session and 1 API key of ${user.email}\n`);
    expect((await revoke('--user', user.email)).stdout).toBe(`revoked 0 sessions and 0 API keys of ${user.email}\n`);
    await newUser(app, 'other');
    expect((await revoke('--all')).stdout).toBe('revoked 1 session\n');
  });

  it('without --all or --user, or with both, is a usage error that revokes nothing', async () => {
    const holder = await signedInUser('kept');
    for (const args of [[], ['--all', '--user', holder.user.email]]) {
      const result = await revoke(...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(/^bulwark: .*; fix: /);
    }
    expect(await statuses(holder)).toEqual({ bearer: 200, cookie: 200, apiKey: 200 });

    const elsewhere = await runCli(['sessions', 'revoke', '--all', '--data', join(dataDir, '..', 'missing')], {});
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^bulwark: no database at .*; fix: pass --data/);
  });
});
