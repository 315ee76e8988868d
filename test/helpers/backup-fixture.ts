import { randomBytes } from 'node:crypto';
import { createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  rawRows,
  recordsApi,
  uniqueName,
} from './collections-client.js';
import { filesBase, upload } from './files-client.js';
import { LogCapture, TEST_ENV, type TestApp } from './test-app.js';

/** Three 64 KiB chunks and more: enough for a middle chunk, swapped chunks and a cut at a boundary. */
const LARGE_FILE_BYTES = 300_000;

/** The real app, in-process, on a data folder and database the real binary also uses (no private schema). */
export async function openInstallation(dataDir: string, env: Record<string, string>): Promise<TestApp> {
  const config = loadConfig({
    env: { ...TEST_ENV, BULWARK_LOG_LEVEL: 'warn', ...env, BULWARK_DATA_DIR: dataDir },
    cwd: dataDir,
  });
  const logs = new LogCapture();
  const app = await createApp({ config, logStream: logs });
  await app.http.ready();
  return Object.assign(app, { logs, dataDir, close: () => app.stop('test finished') });
}

export interface SeededData {
  alice: Account;
  collection: string;
  /** Alice's records as she lists them: the encrypted field in clear, as the API gives it. */
  records: unknown[];
  secrets: string[];
  file: { url: string; bytes: Buffer };
  users: unknown[];
  auditEntries: unknown[];
}

/**
 * An installation with what a backup must carry: an administrator, users, a collection with an
 * encrypted field and a file field, records, and an uploaded file of several chunks.
 */
export async function seedInstallation(app: TestApp): Promise<SeededData> {
  const admin = await newAdmin(app);
  const alice = await newUser(app, 'alice');
  await newUser(app, 'bob');
  const collection = uniqueName('notes');
  await createCollection(app, admin, {
    name: collection,
    fields: [
      { name: 'owner', type: 'relation', collection: 'users' },
      { name: 'title', type: 'text' },
      { name: 'secret', type: 'text', encrypted: true },
      { name: 'paper', type: 'file', types: ['application/pdf'], maxSizeBytes: 1_000_000 },
    ],
    rules: {
      list: 'owner = @request.auth.id',
      view: 'owner = @request.auth.id',
      create: 'owner = @request.auth.id',
      update: 'owner = @request.auth.id',
    },
  });
  const secrets = ['alpha', 'bravo', 'charlie'].map((word) => `${word}-${randomBytes(6).toString('hex')}`);
  const created = [];
  for (const [i, secret] of secrets.entries()) {
    created.push(await createRecord(app, collection, alice.headers, { owner: alice.id, title: `note ${i}`, secret }));
  }
  const bytes = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(LARGE_FILE_BYTES), Buffer.from('\n%%EOF\n')]);
  const base = filesBase(collection, created[0]?.id ?? '', 'paper');
  const uploaded = await upload(app, base, alice.headers, { filename: 'paper.pdf', data: bytes });
  if (uploaded.statusCode !== 201) throw new Error(`upload: ${uploaded.statusCode} ${uploaded.body}`);
  await app.audit.flush();
  return {
    alice,
    collection,
    records: await listRecords(app, collection, alice),
    secrets,
    file: { url: `${base}/${uploaded.json().id}`, bytes },
    users: (await rawRows(app, 'users')) ?? [],
    auditEntries: await auditRows(app),
  };
}

export async function listRecords(app: TestApp, collection: string, account: Account): Promise<unknown[]> {
  const response = await recordsApi(app, collection).list(account.headers, { sort: 'title' });
  if (response.statusCode !== 200) throw new Error(`list: ${response.statusCode} ${response.body}`);
  return response.json().items;
}

export async function auditRows(app: TestApp): Promise<unknown[]> {
  return app.database.db.selectFrom('audit_log').selectAll().orderBy('seq').execute();
}

export async function download(app: TestApp, url: string, account: Account): Promise<Buffer> {
  const response = await app.http.inject({ url, headers: account.headers });
  if (response.statusCode !== 200) throw new Error(`download: ${response.statusCode} ${response.body}`);
  return response.rawPayload;
}
