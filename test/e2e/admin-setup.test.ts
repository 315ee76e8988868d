// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cleanEnv, REPO_ROOT, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { createTestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const PASSWORD = 'correct horse battery staple 42';
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
beforeEach(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-admin-')), 'data');
  database = await createTestDatabase();
  env = {
    ...database.env,
    BULWARK_LOG_LEVEL: 'warn',
    BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
    BULWARK_AUTH_ARGON2_ITERATIONS: '1',
  };
});
afterEach(async () => {
  await database.drop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

describe('first administrator', () => {
  it('serve prints a one-time set-up link whose token creates the administrator once', async () => {
    const server = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const match = /(http:\/\/127\.0\.0\.1:\d+)\/_\/setup#([A-Za-z0-9_-]{43})/.exec(server.stderr());
    expect(match, server.stderr()).not.toBeNull();
    const [, base, token] = match as RegExpExecArray;
    const setup = (email: string) =>
      fetch(`${base}/api/admin/setup`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ token, email, password: PASSWORD }),
      });
    const first = await setup('owner@example.com');
    expect(first.status).toBe(201);
    expect(((await first.json()) as { user: unknown }).user).toMatchObject({
      email: 'owner@example.com',
      role: 'admin',
    });
    const second = await setup('intruder@example.com');
    expect(second.status).toBe(409);
    expect(await server.stop()).toBe(0);

    const again = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(again.stderr()).not.toContain('/_/setup#');
    await again.stop();
  });

  it('a set-up token works once under 20 simultaneous uses, and not after it expires', async () => {
    const app = await createTestApp({ logLevel: 'silent' });
    const token = ((await app.createSetupLink('http://x')) as string).split('#')[1];
    const attempts = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        app.http.inject({
          method: 'POST',
          url: '/api/admin/setup',
          payload: { token, email: `a${i}@example.com`, password: PASSWORD },
        }),
      ),
    );
    expect(attempts.filter((r) => r.statusCode === 201)).toHaveLength(1);
    await app.close();

    const late = await createTestApp({ logLevel: 'silent' });
    const lateToken = ((await late.createSetupLink('http://x')) as string).split('#')[1];
    await late.database.db
      .updateTable('one_time_tokens')
      .set({ expires_ms: Date.now() - 1 })
      .execute();
    const expired = await late.http.inject({
      method: 'POST',
      url: '/api/admin/setup',
      payload: { token: lateToken, email: 'late@example.com', password: PASSWORD },
    });
    expect(expired.statusCode).toBe(400);
    expect(expired.json().code).toBe('AUTH_TOKEN_SPENT');
    const stored = await late.database.db.selectFrom('one_time_tokens').select('token_hash').execute();
    expect(JSON.stringify(stored)).not.toContain(lateToken);
    await late.close();
  });
});

describe('bulwark admin create', () => {
  it('reads the password from piped standard input, never argv, and applies the policy', async () => {
    const created = await runCli(
      ['admin', 'create', '--email', 'Ops@Example.com', '--data', dataDir, '--init'],
      env,
      `${PASSWORD}\n`,
    );
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^administrator ops@example\.com created/);
    const weak = await runCli(['admin', 'create', '--email', 'b@example.com', '--data', dataDir], env, 'password123\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toMatch(/^bulwark: password not accepted: /);
    const duplicate = await runCli(
      ['admin', 'create', '--email', 'ops@example.com', '--data', dataDir],
      env,
      `${PASSWORD}\n`,
    );
    expect(duplicate.code).toBe(2);
    expect(duplicate.stderr).toContain('already exists');
  });

  it('asks twice on a terminal, without echo, and refuses two different answers', async () => {
    const runOnTty = (answers: string[]) =>
      new Promise<{ code: number | null; output: string }>((resolve) => {
        // `script` gives the command a real pseudo-terminal, as a person at a shell would have.
        const command = `node dist/main.js admin create --email tty@example.com --data ${dataDir} --init`;
        const child = spawn('script', ['-qec', command, '/dev/null'], { cwd: REPO_ROOT, env: cleanEnv(env) });
        let output = '';
        let sent = 0;
        child.stdout.on('data', (chunk) => {
          output += chunk;
          const prompts = (output.match(/Password: |Repeat password: /g) ?? []).length;
          while (sent < prompts && sent < answers.length) child.stdin.write(`${answers[sent++]}\r`);
        });
        child.on('close', (code) => resolve({ code, output }));
      });
    const mismatch = await runOnTty([PASSWORD, `${PASSWORD}x`]);
    expect(mismatch.code).toBe(2);
    expect(mismatch.output).toContain('the two passwords differ');
    const ok = await runOnTty([PASSWORD, PASSWORD]);
    expect(ok.output).toContain('administrator tty@example.com created');
    expect(ok.output).not.toContain(PASSWORD);
    expect(ok.code).toBe(0);
  });
});
