import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkAccountFields } from '../../src/cli/account-fields.js';
import { createDatabase } from '../../src/db/index.js';
import { runCli } from '../helpers/run-cli.js';
import { createTestApp, testDialect } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark admin create` as a new user runs it (issue 14): the address and password pass what
 * the API passes, so the administrator can sign in (item 2), and a mistyped `--data` is refused
 * instead of becoming a new folder, database and key, while every success names the data
 * folder it used (item 3).
 */

const PASSWORD = 'correct horse battery staple 42';
let root: string;
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-admin-create-'));
  dataDir = join(root, 'data');
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
  rmSync(root, { recursive: true, force: true });
});

const create = (email: string, options: { args?: string[]; input?: string; data?: string; extraEnv?: object } = {}) =>
  runCli(
    ['admin', 'create', '--email', email, '--data', options.data ?? dataDir, ...(options.args ?? [])],
    { ...env, ...(options.extraEnv as Record<string, string> | undefined) },
    options.input ?? `${PASSWORD}\n`,
  );

/** The accounts in the installation's database, read directly. */
async function storedEmails(): Promise<string[]> {
  const db = createDatabase({ url: env.BULWARK_DATABASE_URL, sqlitePath: join(dataDir, 'bulwark.db') });
  try {
    const rows = await db.db.selectFrom('users').select(['email', 'role']).orderBy('email').execute();
    return rows.map((row) => `${row.role}:${row.email}`);
  } finally {
    await db.close();
  }
}

/** Addresses around the edges of the API's `Email` schema: each side must agree on every one. */
const EMAIL_SAMPLES = [
  'ops@example.com',
  'Ops.Team+cli@Example.COM',
  'o@e.co',
  'notanemail',
  'ops@',
  '@example.com',
  'ops@example',
  'ops@localhost',
  'ops@example..com',
  'ops..team@example.com',
  'ops@-example.com',
  'ops@exa_mple.com',
  ' ops@example.com',
  'ops@example.com ',
  'ops team@example.com',
  '"ops"@example.com',
  'ops@[127.0.0.1]',
  'ops@例え.jp',
  'öps@example.com',
  'ops@example.com\u0000',
  `${'a'.repeat(64)}@${'b'.repeat(60)}.${'c'.repeat(60)}.${'d'.repeat(60)}.com`,
  `${'a'.repeat(64)}@${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(58)}.com`,
  'a@b',
];

/** Each test runs the binary several times; on two busy cores a run can take seconds. */
const SPAWNING_TEST_TIMEOUT_MS = 120_000;

describe('bulwark admin create: the address and password the API accepts (issue 14 item 2)', {
  timeout: SPAWNING_TEST_TIMEOUT_MS,
}, () => {
  it('refuses an address that is not one, in one line with exit 2, and creates nobody', async () => {
    expect((await create('first@example.com', { args: ['--init'] })).code).toBe(0);
    for (const email of ['notanemail', 'ops@', 'ops@example..com', `${'a'.repeat(250)}@example.com`]) {
      const refused = await create(email);
      expect(refused.code, email).toBe(2);
      expect(refused.stdout, email).toBe('');
      expect(refused.stderr, email).toMatch(
        /^bulwark: email not accepted: [^\n]+; fix: pass the administrator's whole address, e\.g\. --email ops@example\.com\n$/,
      );
    }
    expect(await storedEmails()).toEqual(['admin:first@example.com']);
  });

  it('accepts and refuses exactly the addresses the API accepts and refuses', async () => {
    const app = await createTestApp({ logLevel: 'silent' });
    try {
      for (const email of EMAIL_SAMPLES) {
        // The set-up route validates its body before the handler looks at the token.
        const answer = await app.http.inject({
          method: 'POST',
          url: '/api/admin/setup',
          payload: { token: 'x'.repeat(43), email, password: PASSWORD },
        });
        const problem = answer.json() as { errors?: Array<{ field: string }> };
        const apiRefuses = answer.statusCode === 400 && (problem.errors ?? []).some((e) => e.field === 'email');
        expect(checkAccountFields({ email, password: PASSWORD })?.field === 'email', JSON.stringify(email)).toBe(
          apiRefuses,
        );
      }
    } finally {
      await app.close();
    }
  });

  it('refuses a password the API refuses before it creates anything', async () => {
    for (const password of ['password123', 'x'.repeat(1025)]) {
      const refused = await create('ops@example.com', { args: ['--init'], input: `${password}\n` });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/^bulwark: password not accepted: [^\n]+; fix: [^\n]+\n$/);
      expect(refused.stderr).not.toContain(password);
    }
    // Not even the data folder: a refused password leaves the machine as it was.
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a password holding a word tied to the deployment, naming the word (ASVS V6.1.2)', async () => {
    const words = [
      ['lantern Bu1wark orbit velvet', 'bulwark'],
      ['lantern ACME orbit velvet', 'acme'],
    ] as const;
    for (const [password, word] of words) {
      const refused = await create('ops@example.com', {
        args: ['--init'],
        input: `${password}\n`,
        extraEnv: { BULWARK_NAME: 'Acme Shop' },
      });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        new RegExp(`^bulwark: password not accepted: This password contains "${word}", [^\\n]+; fix: [^\\n]+\\n$`),
      );
    }
    expect(existsSync(dataDir)).toBe(false);
  });
});

describe('bulwark admin create: which installation (issue 14 item 3)', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  it('refuses a data folder with no installation, naming it and --init, and creates nothing there', async () => {
    expect((await create('owner@example.com', { args: ['--init'] })).code).toBe(0);
    const mistyped = join(root, 'dta');
    const refused = await create('second@example.com', { data: mistyped });
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr.trim().split('\n')).toHaveLength(1);
    expect(refused.stderr).toMatch(/^bulwark: no (database at|master key in) .*; fix: pass --data with the server's/);
    expect(refused.stderr).toContain(`, or --init to create a new installation in ${mistyped}\n`);
    expect(existsSync(mistyped)).toBe(false);
    expect(await storedEmails()).toEqual(['admin:owner@example.com']);
  });

  it('--init creates a new installation on purpose; every success names the data folder', async () => {
    const first = await create('owner@example.com', { args: ['--init'] });
    expect(first.code).toBe(0);
    const [created, folder] = first.stdout.split('\n');
    expect(created).toMatch(/^administrator owner@example\.com created \(id \S+\)$/);
    expect(folder).toMatch(new RegExp(`^data folder ${dataDir}(; database PostgreSQL \\S+)? \\(new installation\\)$`));
    expect(existsSync(join(dataDir, 'master.key'))).toBe(true);
    expect(existsSync(join(dataDir, 'bulwark.db'))).toBe(testDialect() === 'sqlite');

    const second = await create('deputy@example.com');
    expect(second.code).toBe(0);
    expect(second.stdout.split('\n')[1]).toMatch(new RegExp(`^data folder ${dataDir}(; database PostgreSQL \\S+)?$`));
    // --init on an existing installation adds to it; it never starts another.
    const third = await create('third@example.com', { args: ['--init'] });
    expect(third.stdout.split('\n')[1]).not.toContain('new installation');
    expect(await storedEmails()).toEqual([
      'admin:deputy@example.com',
      'admin:owner@example.com',
      'admin:third@example.com',
    ]);
  });

  it.skipIf(testDialect() !== 'postgres')(
    'on PostgreSQL, refuses a database Bulwark never set up even beside a real data folder',
    async () => {
      expect((await create('owner@example.com', { args: ['--init'] })).code).toBe(0);
      const empty = await createTestDatabase();
      try {
        const refused = await create('second@example.com', { extraEnv: empty.env });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(
          /^bulwark: no Bulwark database at PostgreSQL [^\s@]+ \(it has no Bulwark tables\); fix: set BULWARK_DATABASE_URL to the server's database, or --init/,
        );
        // The refusal names the database without its credentials.
        expect(refused.stderr).not.toMatch(/:\/\/[^/\s]*@/);
      } finally {
        await empty.drop();
      }
    },
  );
});
