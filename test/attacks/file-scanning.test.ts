import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  auditEntries,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  rawRows,
  uniqueName,
} from '../helpers/collections-client.js';
import { filesBase, PDF_MINIMAL, storedFiles, upload } from '../helpers/files-client.js';
import { createHeldScanner, EICAR } from '../helpers/held-scanner.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * The malware-scan hook: with a scanner configured, a new file is quarantined (`pending`, not
 * served, no link) until the scanner, reading it back from the store, finds it clean; an infected
 * file loses its bytes, answers 404 to everyone and is audited.
 */
describe('file scanning quarantine', () => {
  const held = createHeldScanner();
  let app: TestApp;
  let alice: Account;
  let docs: string;

  beforeAll(async () => {
    app = await createTestApp({ logLevel: 'silent', malwareScanner: held.scanner });
    await app.http.ready();
    const admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    docs = uniqueName('docs');
    await createCollection(app, admin, {
      name: docs,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'paper', type: 'file', types: ['application/pdf'], maxSelect: 5 },
      ],
      rules: {
        view: 'owner = @request.auth.id',
        create: 'owner = @request.auth.id',
        update: 'owner = @request.auth.id',
      },
    });
  });
  afterAll(async () => {
    held.release();
    await app.close();
  });

  it('a file is pending (409, no link) until scanned clean, then served', async () => {
    held.hold();
    const record = await createRecord(app, docs, alice.headers, { owner: alice.id });
    const base = filesBase(docs, record.id, 'paper');
    const created = await upload(app, base, alice.headers, { filename: 'a.pdf', data: PDF_MINIMAL });
    expect(created.json()).toMatchObject({ status: 'pending' });
    const url = `${base}/${created.json().id}`;
    const pending = await app.http.inject({ url, headers: alice.headers });
    expectProblem(pending, 409, 'FILE_PENDING_SCAN');
    expect(pending.headers['retry-after']).toBeDefined();
    expectProblem(await app.http.inject({ method: 'POST', url: `${url}/link`, headers: alice.headers }), 409);
    held.release();
    await app.files.files.settle();
    const served = await app.http.inject({ url, headers: alice.headers });
    expect(served.statusCode).toBe(200);
    expect(held.scanned).toContain(PDF_MINIMAL.length);
  });

  it('an infected file loses its bytes, is 404 to its owner and is audited', async () => {
    held.release();
    const record = await createRecord(app, docs, alice.headers, { owner: alice.id });
    const base = filesBase(docs, record.id, 'paper');
    const infected = Buffer.concat([PDF_MINIMAL, Buffer.from(EICAR)]);
    const created = await upload(app, base, alice.headers, { filename: 'bad.pdf', data: infected });
    expect(created.statusCode, created.body).toBe(201);
    const fileId = created.json().id;
    await app.files.files.settle();
    expectProblem(await app.http.inject({ url: `${base}/${fileId}`, headers: alice.headers }), 404, 'FILE_NOT_FOUND');
    expect(storedFiles(app).some((path) => path.endsWith(fileId))).toBe(false);
    expect((await rawRows(app, 'files'))?.find((row) => row.id === fileId)?.status).toBe('infected');
    const view = await app.http.inject({
      url: `/api/collections/${docs}/records/${record.id}`,
      headers: alice.headers,
    });
    expect(view.json().paper).toEqual([]);
    const audited = await auditEntries(app, 'file.infected');
    expect(audited[0]?.details).toMatchObject({ fileId, signature: 'Eicar-Test-Signature' });
    expect((await auditEntries(app, 'file.download.refused'))[0]?.details).toMatchObject({ fileId });
  });
});
