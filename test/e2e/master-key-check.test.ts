import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { type RunningServer, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { attemptServe } from '../helpers/serve-attempt.js';
import { useServeFixture } from '../helpers/serve-fixture.js';
import { withClient } from '../helpers/test-database.js';

/**
 * Issue 14 item 6: a master key that does not match the data used to be noticed only as a 500
 * at the first encrypted read (and meanwhile it signed a new audit chain and sessions nobody
 * else could check). A key-check value stored at the first start makes every entry point
 * refuse such a key before it serves or writes, saying what is wrong and what to do.
 */
const PASSWORD = 'correct horse battery staple 42';
/** A start takes seconds on a machine shared with other test runs. */
const START_TIMEOUT_MS = 90_000;
const fixture = useServeFixture('bulwark-key-');

async function serve(extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const server = await startServer(
    spawnCli(['serve', '--port', '0', '--data', fixture.dataDir], { ...fixture.env, ...extraEnv }),
    START_TIMEOUT_MS,
  );
  fixture.running.push(server);
  return server;
}

/** Starts the server once, so the data (and its key check) exist; returns the key it made. */
async function firstStart(): Promise<string> {
  const server = await serve();
  expect(await server.stop()).toBe(0);
  return readFileSync(join(fixture.dataDir, 'master.key'), 'utf8').trim();
}

const otherKey = () => randomBytes(32).toString('base64');
/** Where the refusal says the data is: the SQLite file, or the PostgreSQL server and database. */
function dataName(): string {
  const url = fixture.database.env.BULWARK_DATABASE_URL;
  if (!url) return join(fixture.dataDir, 'bulwark.db');
  const { host, pathname } = new URL(url);
  return `the PostgreSQL database ${host}${pathname}`;
}

/** Runs statements on the data directly, as an operator with database access would. */
async function onData(statements: string[]): Promise<unknown[]> {
  const url = fixture.database.env.BULWARK_DATABASE_URL;
  if (url) {
    return withClient(url, async (client) => {
      const rows: unknown[] = [];
      for (const statement of statements) rows.push(...(await client.query(statement)).rows);
      return rows;
    });
  }
  const db = new Database(join(fixture.dataDir, 'bulwark.db'));
  const rows = statements.flatMap((statement) => {
    const prepared = db.prepare(statement);
    if (prepared.reader) return prepared.all();
    prepared.run();
    return [];
  });
  db.close();
  return rows;
}

/**
 * The tables each migration from 0006 on creates. Taking the data back to before 0006 means
 * taking back every later migration too (they run in order); one missing here fails the test,
 * naming it, instead of leaving a table that the migration, run again, would trip over.
 */
const TABLES_SINCE_KEY_CHECK: Readonly<Record<string, readonly string[]>> = {
  '0006-key-check': ['key_check'],
  '0007-abuse-state': ['abuse_counters', 'abuse_bans'],
  '0008-files': ['files'],
  '0009-webhooks': ['webhook_deliveries', 'webhooks'],
  '0010-audit-search': ['audit_retention'],
  '0011-audit-shipping': ['audit_shipping'],
  '0012-key-versions': ['master_key_versions'],
  '0013-schema-version': ['schema_version'],
  '0014-shell-api-keys': [],
};

/** The columns a migration from 0006 on adds to an older table, taken back with it. */
const COLUMNS_SINCE_KEY_CHECK: Readonly<Record<string, ReadonlyArray<readonly [string, string]>>> = {
  '0014-shell-api-keys': [['api_keys', 'made_from_shell']],
};

/** Turns the data back into what a version before the key check left: no `key_check` table. */
async function removeKeyCheck(): Promise<void> {
  const applied = (await onData(["SELECT name FROM kysely_migration WHERE name >= '0006' ORDER BY name"])) as Array<{
    name: string;
  }>;
  const unknown = applied.map((row) => row.name).filter((name) => !Object.hasOwn(TABLES_SINCE_KEY_CHECK, name));
  expect(unknown, 'add these migrations to TABLES_SINCE_KEY_CHECK').toEqual([]);
  const newestFirst = applied.map((row) => row.name).reverse();
  await onData([
    ...newestFirst.flatMap((name) => [
      ...(TABLES_SINCE_KEY_CHECK[name] ?? []).map((table) => `DROP TABLE ${table}`),
      ...(COLUMNS_SINCE_KEY_CHECK[name] ?? []).map(([table, column]) => `ALTER TABLE ${table} DROP COLUMN ${column}`),
    ]),
    "DELETE FROM kysely_migration WHERE name >= '0006'",
  ]);
}

// Each case starts the real binary several times; on a loaded machine one start takes seconds.
describe('a master key that does not match the data', { timeout: 180_000 }, () => {
  it('is refused before the server listens, in one line saying what is wrong and what to do', async () => {
    await firstStart();
    const wrong = await attemptServe(['--data', fixture.dataDir], { ...fixture.env, BULWARK_MASTER_KEY: otherKey() });
    expect(wrong.listened, wrong.stderr).toBe(false);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.trim()).toBe(
      `bulwark: refusing to start: the master key from BULWARK_MASTER_KEY does not match the data in ${dataName()} [master-key-mismatch]; fix: start with the key that wrote this data: its ${join(fixture.dataDir, 'master.key')}, or BULWARK_MASTER_KEY set to it`,
    );
    // The right key still starts: nothing was written under the wrong one.
    const again = await serve();
    expect((await fetch(`${again.url}/api/health`)).status).toBe(200);
    expect(await again.stop()).toBe(0);
  });

  it('a replaced key file is refused the same way, naming the file', async () => {
    await firstStart();
    const keyFile = join(fixture.dataDir, 'master.key');
    renameSync(keyFile, `${keyFile}.moved`);
    writeFileSync(keyFile, `${otherKey()}\n`, { mode: 0o600 });
    const wrong = await attemptServe(['--data', fixture.dataDir], fixture.env);
    expect(wrong.listened, wrong.stderr).toBe(false);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain(`the master key from ${keyFile} does not match the data in ${dataName()}`);
  });

  it('a lost key file is refused rather than replaced by a new key', async () => {
    await firstStart();
    const keyFile = join(fixture.dataDir, 'master.key');
    renameSync(keyFile, `${keyFile}.moved`);
    const missing = await attemptServe(['--data', fixture.dataDir], fixture.env);
    expect(missing.listened, missing.stderr).toBe(false);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe(
      `bulwark: refusing to start: the data in ${dataName()} was written under a master key that is neither in ${keyFile} nor in BULWARK_MASTER_KEY [master-key-missing]; fix: restore ${keyFile} from the backup of this data, or set BULWARK_MASTER_KEY to the key that wrote it`,
    );
    expect(existsSync(keyFile)).toBe(false);
  });

  it('commands that need the key refuse it with the same line', async () => {
    await firstStart();
    const wrongEnv = { ...fixture.env, BULWARK_MASTER_KEY: otherKey() };
    const mismatch = `the master key from BULWARK_MASTER_KEY does not match the data in ${dataName()} [master-key-mismatch]`;

    const verify = await runCli(['log', 'verify', '--data', fixture.dataDir], wrongEnv);
    expect(verify.stderr).toContain(mismatch);
    expect(verify.code).toBe(2);
    const admin = await runCli(
      ['admin', 'create', '--email', 'ops-lead@example.com', '--data', fixture.dataDir],
      wrongEnv,
      PASSWORD,
    );
    expect(admin.stderr).toContain(mismatch);
    expect(admin.code).toBe(1);
    const revoke = await runCli(['sessions', 'revoke', '--all', '--data', fixture.dataDir], wrongEnv);
    expect(revoke.stderr).toContain(mismatch);
    expect(revoke.code).toBe(1);
  });

  it('the right key given in BULWARK_MASTER_KEY starts, and the log says it overrides the key file', async () => {
    const key = await firstStart();
    const server = await serve({ BULWARK_MASTER_KEY: key });
    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    expect(await server.stop()).toBe(0);
    const warning = server
      .stdout()
      .split('\n')
      .filter((line) => line.includes('BULWARK_MASTER_KEY overrides'));
    expect(warning).toHaveLength(1);
    expect(JSON.parse(warning[0] as string)).toMatchObject({ ignoredKeyFile: join(fixture.dataDir, 'master.key') });
  });

  it('data from before the key check is held to the key that signed its audit log, then gets its check value', async () => {
    const key = await firstStart();
    await removeKeyCheck();
    const wrong = await attemptServe(['--data', fixture.dataDir], { ...fixture.env, BULWARK_MASTER_KEY: otherKey() });
    expect(wrong.listened, wrong.stderr).toBe(false);
    expect(wrong.stderr).toContain('[master-key-mismatch]');

    const right = await serve();
    expect(await right.stop()).toBe(0);
    // The right key's start stored the check value: from now on it decides.
    expect(await onData(['SELECT name FROM key_check'])).toEqual([{ name: 'master-key' }]);
    expect(readFileSync(join(fixture.dataDir, 'master.key'), 'utf8').trim()).toBe(key);
  });
});
