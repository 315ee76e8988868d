import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, expect } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from './collections-client.js';
import { type CliResult, runCli } from './run-cli.js';
import { LogCapture, type TestApp, testDialect } from './test-app.js';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface KeysFixture {
  root: string;
  /** The first server's data folder: the one the commands are run with. */
  dataDir: string;
  database: TestDatabase;
  /** Environment of servers and commands: the test database, cheap hashing, no limits in the way. */
  env: Record<string, string>;
  /** Running servers: one on SQLite (one per data folder); two instances of one database on PostgreSQL. */
  servers: TestApp[];
  /** A server on a data folder of this fixture, in this process; closed after the test. */
  openServer: (dataDir: string, extraEnv?: Record<string, string>) => Promise<TestApp>;
  /** `bulwark keys …` (the real binary) on the first server's data folder. */
  keysCli: (args: string[], extraEnv?: Record<string, string>, input?: string) => Promise<CliResult>;
}

/**
 * For the key-rotation tests: a fresh data folder and database per test, servers running on
 * them in this process (the commands run beside them as an operator would), and on PostgreSQL
 * a second instance of the same database with the same master key.
 */
export function useKeysFixture(secondInstance = testDialect() === 'postgres'): KeysFixture {
  const fixture = { servers: [] as TestApp[] } as KeysFixture;
  fixture.openServer = async (dataDir, extraEnv = {}) => {
    const config = loadConfig({
      env: { ...fixture.env, ...extraEnv, BULWARK_DATA_DIR: dataDir, BULWARK_PORT: '0' },
      cwd: dataDir,
    });
    const server: BulwarkApp = await createApp({ config, logStream: new LogCapture() });
    const app = Object.assign(server, { logs: new LogCapture(), dataDir, close: () => server.stop('test finished') });
    fixture.servers.push(app);
    return app;
  };
  fixture.keysCli = (args, extraEnv = {}, input) =>
    runCli(['keys', ...args, '--data', fixture.dataDir], { ...fixture.env, ...extraEnv }, input);
  beforeEach(async () => {
    fixture.root = mkdtempSync(join(tmpdir(), 'bulwark-keys-'));
    fixture.dataDir = join(fixture.root, 'data');
    fixture.database = await createTestDatabase();
    fixture.env = {
      ...fixture.database.env,
      BULWARK_LOG_LEVEL: 'warn',
      BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
      BULWARK_AUTH_ARGON2_ITERATIONS: '1',
      BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0',
      BULWARK_ABUSE_API_REQUESTS_PER_MINUTE: '1000000',
      BULWARK_ABUSE_USER_REQUESTS_PER_MINUTE: '1000000',
    };
    fixture.servers = [];
    await fixture.openServer(fixture.dataDir);
    if (secondInstance) {
      // A second instance of the same database: its own data folder, the same master key.
      const masterKey = readFileSync(join(fixture.dataDir, 'master.key'), 'utf8').trim();
      await fixture.openServer(join(fixture.root, 'data-2'), { BULWARK_MASTER_KEY: masterKey });
    }
  });
  afterEach(async () => {
    for (const server of fixture.servers.splice(0)) await server.close();
    await fixture.database.drop();
    rmSync(fixture.root, { recursive: true, force: true });
  });
  return fixture;
}

/** A collection with an encrypted field any signed-in user may use, and such a user. */
export async function vaultCollection(app: TestApp): Promise<{ collection: string; user: Account }> {
  const admin = await newAdmin(app);
  const collection = uniqueName('vault');
  const signedIn = '@request.auth.id != ""';
  await createCollection(app, admin, {
    name: collection,
    fields: [
      { name: 'secret', type: 'text', encrypted: true },
      { name: 'label', type: 'text' },
    ],
    rules: { list: signedIn, view: signedIn, create: signedIn, update: signedIn, delete: signedIn },
  });
  return { collection, user: await newUser(app) };
}

/** Records with distinct secrets; returns each record's secret by id. */
export async function createSecrets(
  app: TestApp,
  collection: string,
  user: Account,
  count: number,
): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  for (let i = 0; i < count; i++) {
    const secret = `secret ${i} ${uniqueName('s')}`;
    const record = await createRecord(app, collection, user.headers, { secret, label: `r${i}` });
    expected.set(record.id, secret);
  }
  return expected;
}

/** The key id each stored value names, by record id, as the database holds them. */
export async function storedKeyIds(app: TestApp, collection: string): Promise<Map<string, string>> {
  const { rows } = await sql<{ id: string; secret: string }>`SELECT id, secret FROM ${sql.table(
    `c_${collection}`,
  )}`.execute(app.database.db);
  return new Map(rows.map((row) => [row.id, /^enc:v1:([0-9a-f-]{36}):/.exec(row.secret)?.[1] ?? row.secret]));
}

/** Every data key, oldest first. */
export async function dataKeyIds(app: TestApp): Promise<string[]> {
  const rows = await app.database.db.selectFrom('data_keys').select('id').orderBy('created_ms').execute();
  return rows.map((row) => row.id);
}

/** Every record reads back through each server's API with the value the client last wrote. */
export async function expectAllRead(
  servers: readonly TestApp[],
  collection: string,
  user: Account,
  expected: ReadonlyMap<string, string>,
): Promise<void> {
  for (const server of servers) {
    for (const [id, secret] of expected) {
      const response = await recordsApi(server, collection).view(user.headers, id);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().secret).toBe(secret);
    }
  }
}

/** Details of the audit entries of one type, oldest first; each was written by the command. */
export async function cliAuditDetails(app: TestApp, type: string): Promise<Array<Record<string, unknown>>> {
  const rows = await app.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('type', '=', type)
    .orderBy('seq')
    .execute();
  for (const row of rows) expect(row.actor).toBe('cli');
  return rows.map((row) => JSON.parse(row.details) as Record<string, unknown>);
}
