// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import {
  type Account,
  type CollectionInput,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  rawRows,
  recordsApi,
} from '../helpers/collections-client.js';
import { runCli } from '../helpers/run-cli.js';
import { LogCapture, type TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark schema export|apply` against the data folder (and database) of running servers: a
 * schema exported from one installation rebuilds the same collections in an empty one, which
 * serves them at its next request; destructive applies need --confirm-data-loss; a dry run
 * changes nothing.
 */

interface Installation {
  app: TestApp;
  dataDir: string;
  database: TestDatabase;
  env: Record<string, string>;
}

const opened: Installation[] = [];

async function openInstallation(): Promise<Installation> {
  const dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-schema-')), 'data');
  const database = await createTestDatabase();
  const env = {
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
  const app = Object.assign(server, { logs: new LogCapture(), dataDir, close: () => server.stop('test finished') });
  const installation = { app, dataDir, database, env };
  opened.push(installation);
  return installation;
}

let source: Installation;
let admin: Account;
let schemaFile: string;

beforeEach(async () => {
  source = await openInstallation();
  admin = await newAdmin(source.app);
  schemaFile = join(source.dataDir, '..', 'schema.json');
});
afterEach(async () => {
  for (const installation of opened.splice(0)) {
    await installation.app.close();
    await installation.database.drop();
    rmSync(join(installation.dataDir, '..'), { recursive: true, force: true });
  }
});

const schema = (at: Installation, ...args: string[]) => runCli(['schema', ...args, '--data', at.dataDir], at.env);

const NOTES: CollectionInput = {
  name: 'notes',
  fields: [
    { name: 'title', type: 'text', required: true, max: 200, pattern: '^[^<>]*$' },
    { name: 'owner', type: 'relation', collection: 'users' },
    { name: 'tag', type: 'select', values: ['work', 'home'] },
    { name: 'score', type: 'number', min: 0, max: 10 },
    { name: 'done', type: 'bool' },
    { name: 'due', type: 'date' },
    { name: 'secret', type: 'text', hidden: true },
    { name: 'sealed', type: 'json', encrypted: true },
    { name: 'code', type: 'text', unique: true },
  ],
  rules: { list: 'owner = @request.auth.id', view: 'owner = @request.auth.id', create: '@request.auth.id != ""' },
};
const COMMENTS: CollectionInput = {
  name: 'comments',
  fields: [
    { name: 'note', type: 'relation', collection: 'notes' },
    { name: 'body', type: 'text' },
    { name: 'pictures', type: 'file', maxSelect: 3, types: ['image/png'] },
  ],
  rules: { list: '', view: '' },
};

/** Exports `at`'s schema and returns the text, expecting success. */
async function exported(at: Installation): Promise<string> {
  const result = await schema(at, 'export');
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

async function schemaApplyEntries(at: Installation) {
  const rows = await at.app.database.db
    .selectFrom('audit_log')
    .selectAll()
    .where('type', '=', 'schema.apply')
    .execute();
  return rows.map((row) => ({ actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> }));
}

describe('bulwark schema export and apply', { timeout: 300_000 }, () => {
  it('export, apply on an empty running server, export again: the same file, and the server serves it at once', async () => {
    await createCollection(source.app, admin, NOTES);
    await createCollection(source.app, admin, COMMENTS);
    const text = await exported(source);
    const document = JSON.parse(text);
    expect(document.format).toBe('bulwark-schema');
    expect(document.version).toBe(1);
    expect(document.collections.map((c: { name: string }) => c.name)).toEqual(['comments', 'notes']);
    // Exporting twice gives the same bytes: a file in git only changes when the schema does.
    expect(await exported(source)).toBe(text);

    const target = await openInstallation();
    const alice = await newUser(target.app, 'alice');
    // The running target has no such collection yet; it must see the applied one at its next request.
    expectProblem(await recordsApi(target.app, 'notes').list(alice.headers), 404);
    writeFileSync(schemaFile, text);
    const applied = await schema(target, 'apply', schemaFile);
    expect(applied.stderr).toBe('');
    expect(applied.code).toBe(0);
    expect(applied.stdout).toBe('+ comments\n+ notes\napplied: 2 collections: 2 added\n');
    expect(await exported(target)).toBe(text);

    const note = await createRecord(target.app, 'notes', alice.headers, { title: 'hi', owner: alice.id });
    expect((await recordsApi(target.app, 'notes').list(alice.headers)).json().totalItems).toBe(1);
    expect(note).not.toHaveProperty('secret');
    expect((await recordsApi(target.app, 'comments').list(undefined)).statusCode).toBe(200);
    expect(await schemaApplyEntries(target)).toEqual([
      { actor: 'cli', details: { added: ['comments', 'notes'], removed: [], changed: [], dataLoss: [] } },
    ]);
    // The same file again changes nothing, and says so.
    const again = await schema(target, 'apply', schemaFile);
    expect(again.stdout).toBe('no changes: the schema already matches the file\n');
    expect(await schemaApplyEntries(target)).toHaveLength(1);
  });

  it('refuses to drop a collection or field holding data without --confirm-data-loss, and drops them with it', async () => {
    await createCollection(source.app, admin, NOTES);
    await createCollection(source.app, admin, { name: 'scratch', fields: [{ name: 'line', type: 'text' }] });
    const user = await newUser(source.app, 'writer');
    await createRecord(source.app, 'notes', user.headers, { title: 'kept', owner: user.id, tag: 'work' });
    await createRecord(source.app, 'scratch', admin.headers, { line: 'one' });
    const document = JSON.parse(await exported(source));
    document.collections = document.collections.filter((c: { name: string }) => c.name !== 'scratch');
    const notes = document.collections.find((c: { name: string }) => c.name === 'notes');
    notes.fields = notes.fields.filter((f: { name: string }) => f.name !== 'tag');
    notes.fields.push({ name: 'color', type: 'text' });
    notes.rules.list = '';
    writeFileSync(schemaFile, JSON.stringify(document));
    const diff = '- scratch (1 record)\n~ notes\n    + field color\n    - field tag (1 value)\n    ~ rules: list\n';

    const refused = await schema(source, 'apply', schemaFile);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe(diff);
    expect(refused.stderr).toBe(
      'bulwark: refused, nothing was changed: it would delete 1 record of scratch, 1 value of notes.tag; fix: check the diff above, then run again with --confirm-data-loss\n',
    );
    expect(await rawRows(source.app, 'c_scratch')).toHaveLength(1);
    expect((await rawRows(source.app, 'c_notes'))?.[0]).toMatchObject({ tag: 'work' });
    expect(await schemaApplyEntries(source)).toEqual([]);

    const confirmed = await schema(source, 'apply', schemaFile, '--confirm-data-loss');
    expect(confirmed.stderr).toBe('');
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toBe(`${diff}applied: 2 collections: 1 removed, 1 changed\n`);
    expect(await rawRows(source.app, 'c_scratch')).toBeNull();
    const [row] = (await rawRows(source.app, 'c_notes')) ?? [];
    expect(row).not.toHaveProperty('tag');
    expect(row).toMatchObject({ title: 'kept', color: '' });
    // The running server already serves the new rule: anyone may list now.
    expect((await recordsApi(source.app, 'notes').list(undefined)).json().totalItems).toBe(1);
    const [entry] = await schemaApplyEntries(source);
    expect(entry?.actor).toBe('cli');
    expect(entry?.details.dataLoss).toEqual([
      { collection: 'scratch', field: null, count: 1 },
      { collection: 'notes', field: 'tag', count: 1 },
    ]);
  });

  it('--dry-run prints the diff and changes nothing, and says when the real apply would be refused', async () => {
    await createCollection(source.app, admin, { name: 'scratch', fields: [{ name: 'line', type: 'text' }] });
    await createRecord(source.app, 'scratch', admin.headers, { line: 'one' });
    const before = await exported(source);
    writeFileSync(
      schemaFile,
      JSON.stringify({
        format: 'bulwark-schema',
        version: 1,
        collections: [{ name: 'fresh', fields: [{ name: 'n', type: 'number' }] }],
      }),
    );
    const refused = await schema(source, 'apply', schemaFile, '--dry-run');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('+ fresh\n- scratch (1 record)\n');
    expect(refused.stderr).toMatch(/^bulwark: the apply would be refused: it would delete 1 record of scratch; fix: /);

    const checked = await schema(source, 'apply', schemaFile, '--dry-run', '--confirm-data-loss');
    expect(checked.stderr).toBe('');
    expect(checked.code).toBe(0);
    expect(checked.stdout).toBe(
      '+ fresh\n- scratch (1 record)\ndry run, nothing was changed: 2 collections: 1 added, 1 removed\n',
    );
    expect(await exported(source)).toBe(before);
    expect(await rawRows(source.app, 'c_fresh')).toBeNull();
    expect(await rawRows(source.app, 'c_scratch')).toHaveLength(1);
    expect(await schemaApplyEntries(source)).toEqual([]);
  });

  it('refuses a file that is not a valid schema in one line, exit 2, changing nothing', async () => {
    const cases: Array<[string, RegExp]> = [
      ['{not json', /^bulwark: .*schema\.json is not JSON; fix: /],
      [JSON.stringify({ format: 'other', version: 1, collections: [] }), /format must be "bulwark-schema"/],
      [JSON.stringify({ format: 'bulwark-schema', version: 2, collections: [] }), /version must be 1/],
      [
        JSON.stringify({
          format: 'bulwark-schema',
          version: 1,
          collections: [{ name: 'a', fields: [{ name: 'r', type: 'relation', collection: 'missing' }] }],
        }),
        /collections\.0\.fields\.0\.collection no collection "missing"/,
      ],
    ];
    for (const [content, message] of cases) {
      writeFileSync(schemaFile, content);
      const result = await schema(source, 'apply', schemaFile);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/; fix: /);
    }
    expect(JSON.parse(await exported(source)).collections).toEqual([]);
  });
});
