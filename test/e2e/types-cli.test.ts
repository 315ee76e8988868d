// @module-tag slow (starts the real binary and the TypeScript compiler: skipped by `npm run test:quick`)
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createCollection, newAdmin } from '../helpers/collections-client.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import { LogCapture } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark types --out FILE` writes TypeScript for every collection; the file compiles with tsc
 * (in the project's strictest settings) beside a client's usage, which checks the types hold
 * what the API sends: hidden fields absent, select values as literals, files as objects.
 */

const USAGE = `import type { BulwarkCollectionInputs, BulwarkCollections, BulwarkFile } from './bulwark-types.js';

// What a typed client does with the map: the record type of a collection, by its name.
declare function list<C extends keyof BulwarkCollections>(collection: C): Promise<Array<BulwarkCollections[C]>>;
declare function create<C extends keyof BulwarkCollectionInputs>(collection: C, body: BulwarkCollectionInputs[C]): void;

export async function use(): Promise<void> {
  const [note] = await list('notes');
  if (note) {
    const id: string = note.id;
    const title: string = note.title;
    const score: number = note.score;
    const done: boolean = note.done;
    const tag: 'work' | 'home' | '' = note.tag;
    const meta: unknown = note.meta;
    const owner: string = note.owner;
    void [id, title, score, done, tag, meta, owner];
    // @ts-expect-error hidden fields never leave the server
    void note.secret;
    // @ts-expect-error a number field is not a string
    const wrong: string = note.score;
    void wrong;
  }
  const [comment] = await list('blog_comments');
  const pictures: BulwarkFile[] | undefined = comment?.pictures;
  const cover: BulwarkFile | null | undefined = comment?.cover;
  void [pictures, cover];
  create('notes', { title: 'x', tag: 'work', secret: 'set by clients' });
  // @ts-expect-error title is required
  create('notes', { tag: 'home' });
  // @ts-expect-error a select takes only its values
  create('notes', { title: 'x', tag: 'garden' });
  // @ts-expect-error file fields are uploaded on their own route
  create('blog_comments', { cover: null });
  // @ts-expect-error no such collection
  await list('nope');
}
`;

describe('bulwark types', { timeout: 300_000 }, () => {
  let dataDir: string;
  let database: TestDatabase;
  let env: Record<string, string>;
  let stop: () => Promise<void>;

  beforeAll(async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-types-')), 'data');
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
    stop = () => server.stop('test finished');
    const app = Object.assign(server, { logs: new LogCapture(), dataDir, close: stop });
    const admin = await newAdmin(app);
    await createCollection(app, admin, {
      name: 'notes',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'score', type: 'number' },
        { name: 'done', type: 'bool' },
        { name: 'tag', type: 'select', values: ['work', 'home'] },
        { name: 'meta', type: 'json', encrypted: true },
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'secret', type: 'text', hidden: true, clientWritable: true },
        { name: 'internal', type: 'text', hidden: true },
      ],
    });
    await createCollection(app, admin, {
      name: 'blog_comments',
      fields: [
        { name: 'note', type: 'relation', collection: 'notes' },
        { name: 'pictures', type: 'file', maxSelect: 4, types: ['image/png'] },
        { name: 'cover', type: 'file', types: ['image/png'] },
      ],
    });
  });
  afterAll(async () => {
    await stop();
    await database.drop();
    rmSync(join(dataDir, '..'), { recursive: true, force: true });
  });

  it('writes types that compile with tsc beside a client that uses them as a generic', async () => {
    const folder = join(dataDir, '..', 'client');
    const out = join(dataDir, '..', 'bulwark-types.ts');
    const result = await runCli(['types', '--out', out, '--data', dataDir], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`wrote types of 2 collections to ${out}\n`);
    const generated = readFileSync(out, 'utf8');
    expect(generated).toContain('export interface NotesRecord {');
    expect(generated).toContain('export interface BlogCommentsRecord {');
    expect(generated).not.toContain('internal');

    mkdirSync(folder);
    writeFileSync(join(folder, 'bulwark-types.ts'), generated);
    writeFileSync(join(folder, 'usage.ts'), USAGE);
    const compiled = await compile(folder);
    expect(compiled.output).toBe('');
    expect(compiled.code).toBe(0);
  });

  it('--schema FILE writes the same types from the schema file alone, with no installation', async () => {
    const fromDatabase = await runCli(['types', '--data', dataDir], env);
    const exported = await runCli(['schema', 'export', '--data', dataDir], env);
    expect(exported.code).toBe(0);
    const schemaFile = join(dataDir, '..', 'schema.json');
    writeFileSync(schemaFile, exported.stdout);
    // A folder with no database and no master key: only the file is read.
    const empty = join(dataDir, '..', 'no-installation');
    const fromFile = await runCli(['types', '--schema', schemaFile, '--data', empty], env);
    expect(fromFile.stderr).toBe('');
    expect(fromFile.code).toBe(0);
    expect(fromFile.stdout).toBe(fromDatabase.stdout);

    // A file whose relation names a collection it does not hold is refused, naming the path.
    const broken = JSON.parse(exported.stdout) as { collections: Array<{ name: string }> };
    broken.collections = broken.collections.filter((collection) => collection.name !== 'notes');
    writeFileSync(schemaFile, JSON.stringify(broken));
    const refused = await runCli(['types', '--schema', schemaFile, '--data', empty], env);
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/is not a valid schema.*collections\.0\.fields\.0\.collection/);
  });
});

/** Runs the project's own tsc over the folder's two files with the project's strict settings. */
async function compile(folder: string): Promise<{ code: number; output: string }> {
  const tsc = join(REPO_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [
    ...['--noEmit', '--strict', '--noUncheckedIndexedAccess', '--exactOptionalPropertyTypes'],
    ...['--target', 'ES2022', '--module', 'NodeNext', '--moduleResolution', 'NodeNext'],
    join(folder, 'usage.ts'),
  ];
  try {
    await promisify(execFile)(process.execPath, [tsc, ...args], { cwd: folder });
    return { code: 0, output: '' };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}
