import { beforeAll, describe, expect, it } from 'vitest';
import {
  createOp,
  deleteOp,
  expectFailedAt,
  recordsUrl,
  sendBatch,
  updateOp,
} from '../../../test/helpers/batch-client.js';
import {
  type Account,
  auditEntries,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  type Rules,
  rawRow,
  rawRows,
  uniqueName,
} from '../../../test/helpers/collections-client.js';
import { filesBase, PNG_1X1, storedFiles, upload } from '../../../test/helpers/files-client.js';
import { useTestApp } from '../../../test/helpers/test-app.js';
import { deliveryLog, registerWebhook } from '../../../test/helpers/webhooks-client.js';

const OWNER_RULES: Rules = {
  list: 'owner = @request.auth.id',
  view: 'owner = @request.auth.id',
  create: 'owner = @request.auth.id',
  update: 'owner = @request.auth.id',
  delete: 'owner = @request.auth.id',
};

describe('POST /api/batch: record writes in one transaction', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;

  /** A fresh collection: `owner`, a required `title`, a unique `code`. */
  const notes = async (rules: Rules = OWNER_RULES) => {
    const name = uniqueName('notes');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text', required: true },
        { name: 'code', type: 'text', unique: true },
      ],
      rules,
    });
    return name;
  };
  /** The collection's rows as stored, in id order. */
  const rowsOf = async (name: string) =>
    ((await rawRows(app, `c_${name}`)) ?? []).sort((a, b) => String(a.id).localeCompare(String(b.id)));

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
  });

  it('commits every operation and answers, per operation, what its single route would', async () => {
    const name = await notes();
    const kept = await createRecord(app, name, alice.headers, { owner: alice.id, title: 'kept' });
    const gone = await createRecord(app, name, alice.headers, { owner: alice.id, title: 'gone' });
    const response = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'new', code: 'n-1' }),
      updateOp(name, kept.id, { title: 'changed' }),
      deleteOp(name, gone.id),
    ]);
    expect(response.statusCode, response.body).toBe(200);
    const [created, updated, deleted] = response.json().responses;
    expect(created).toMatchObject({ status: 201, body: { owner: alice.id, title: 'new', code: 'n-1' } });
    expect(updated).toMatchObject({ status: 200, body: { id: kept.id, title: 'changed' } });
    expect(deleted).toEqual({ status: 204 });
    expect((await rawRow(app, `c_${name}`, created.body.id))?.title).toBe('new');
    expect((await rawRow(app, `c_${name}`, kept.id))?.title).toBe('changed');
    expect(await rawRow(app, `c_${name}`, gone.id)).toBeUndefined();
  });

  it('all or nothing: a third operation that fails its checks leaves the first two unwritten', async () => {
    const name = await notes();
    const kept = await createRecord(app, name, alice.headers, { owner: alice.id, title: 'before' });
    const before = await rowsOf(name);
    const response = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'first' }),
      updateOp(name, kept.id, { title: 'second' }),
      createOp(name, { owner: alice.id }),
    ]);
    const problem = expectFailedAt(response, 2, { status: 400, code: 'HTTP_VALIDATION' });
    expect(problem.failure).toMatchObject({ errors: [{ field: 'title', code: 'required' }] });
    expect(await rowsOf(name)).toEqual(before);
  });

  it('all or nothing: a unique value refused by the database rolls back the operations before it', async () => {
    const name = await notes();
    await createRecord(app, name, alice.headers, { owner: alice.id, title: 'taken', code: 'dup' });
    const before = await rowsOf(name);
    const response = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'a', code: 'fresh-1' }),
      createOp(name, { owner: alice.id, title: 'b', code: 'fresh-2' }),
      createOp(name, { owner: alice.id, title: 'c', code: 'dup' }),
    ]);
    expectFailedAt(response, 2, { status: 409, code: 'REC_CONFLICT' });
    expect(await rowsOf(name)).toEqual(before);
  });

  it("a rule refusal in the middle rolls back everything and names its index: another's record stays as it was", async () => {
    const name = await notes();
    const bobs = await createRecord(app, name, bob.headers, { owner: bob.id, title: 'bob wrote this' });
    const before = await rowsOf(name);
    const response = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'mine' }),
      updateOp(name, bobs.id, { title: 'defaced' }),
      createOp(name, { owner: alice.id, title: 'never reached' }),
    ]);
    // Exactly the single route's answer to a stranger: not found, so the id is not confirmed.
    expectFailedAt(response, 1, { status: 404, code: 'REC_NOT_FOUND' });
    expect(response.body).not.toContain('bob wrote this');
    expect(await rowsOf(name)).toEqual(before);

    const deleteTheirs = await sendBatch(app, alice.headers, [deleteOp(name, bobs.id)]);
    expectFailedAt(deleteTheirs, 0, { status: 404, code: 'REC_NOT_FOUND' });
    const createInTheirName = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'mine' }),
      createOp(name, { owner: bob.id, title: 'in his name' }),
    ]);
    expectFailedAt(createInTheirName, 1, { status: 403, code: 'REC_FORBIDDEN' });
    expect(await rowsOf(name)).toEqual(before);
  });

  it('each refusal is audited like a single write, with the operation it was', async () => {
    const name = await notes();
    const bobs = await createRecord(app, name, bob.headers, { owner: bob.id, title: 'his' });
    const single = await app.http.inject({
      method: 'PATCH',
      url: recordsUrl(name, bobs.id),
      headers: alice.headers,
      payload: { title: 'alone' },
    });
    expectProblem(single, 404, 'REC_NOT_FOUND');
    const batched = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'mine' }),
      createOp(name, { owner: alice.id, title: 'mine too' }),
      updateOp(name, bobs.id, { title: 'in a batch' }),
    ]);
    expectFailedAt(batched, 2, { status: 404, code: 'REC_NOT_FOUND' });

    const denied = (await auditEntries(app, 'records.write.denied')).filter((e) => e.details.collection === name);
    expect(denied.map((e) => [e.actor, e.details])).toEqual([
      [alice.id, { collection: name, id: bobs.id, action: 'update', batchIndex: 2 }],
      [alice.id, { collection: name, id: bobs.id, action: 'update' }],
    ]);
  });

  it('an action the collection locks to administrators is refused before anything runs, and audited', async () => {
    const name = await notes({ ...OWNER_RULES, delete: null });
    const own = await createRecord(app, name, alice.headers, { owner: alice.id, title: 'own' });
    const response = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'first' }),
      deleteOp(name, own.id),
    ]);
    expectFailedAt(response, 1, { status: 404, code: 'REC_NOT_FOUND' });
    expect((await rowsOf(name)).map((row) => row.title)).toEqual(['own']);
    const denied = (await auditEntries(app, 'records.write.denied')).filter((e) => e.details.collection === name);
    expect(denied.map((e) => e.details)).toEqual([{ collection: name, id: own.id, action: 'delete', batchIndex: 1 }]);
  });

  it('101 operations are refused before any runs; 100 run', async () => {
    const name = await notes();
    const ops = (n: number) => Array.from({ length: n }, (_, i) => createOp(name, { owner: alice.id, title: `t${i}` }));
    const refused = await sendBatch(app, alice.headers, ops(101));
    expectProblem(refused, 400, 'BATCH_TOO_LARGE');
    expect(refused.json().detail).toContain('at most 100');
    expect(await rowsOf(name)).toEqual([]);

    const accepted = await sendBatch(app, alice.headers, ops(100));
    expect(accepted.statusCode, accepted.body).toBe(200);
    expect(accepted.json().responses).toHaveLength(100);
    expect(await rowsOf(name)).toHaveLength(100);
  });

  it.each([
    ['a read', { method: 'GET', url: '/api/collections/x/records' }, 'reads (GET) are not batched'],
    ['another route', { method: 'POST', url: '/api/admin/collections', body: {} }, 'url must be'],
    ['a query string', { method: 'POST', url: '/api/collections/x/records?expand=1', body: {} }, 'url must be'],
    ['a path trick', { method: 'DELETE', url: '/api/collections/x/records/../../admin' }, 'url must be'],
    ['a create with an id', { method: 'POST', url: '/api/collections/x/records/abc', body: {} }, 'POST creates'],
    ['an update without an id', { method: 'PATCH', url: '/api/collections/x/records', body: {} }, 'needs the record'],
    ['a delete with a body', { method: 'DELETE', url: '/api/collections/x/records/abc', body: {} }, 'no body'],
  ])('%s is refused with the operation named, before anything runs', async (_label, op, detail) => {
    const name = await notes();
    const response = await sendBatch(app, alice.headers, [createOp(name, { owner: alice.id, title: 'first' }), op]);
    expectProblem(response, 400, 'BATCH_INVALID_OPERATION');
    expect(response.json()).toMatchObject({ failedIndex: 1 });
    expect(response.json().detail).toContain(detail);
    expect(await rowsOf(name)).toEqual([]);
  });

  it('encrypted values are sealed in the transaction and read back, after a batch that rolled back', async () => {
    const name = uniqueName('secrets');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text', required: true },
        { name: 'pin', type: 'text', encrypted: true },
      ],
      rules: OWNER_RULES,
    });
    const rolledBack = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'a', pin: '1111' }),
      createOp(name, { owner: alice.id, pin: '2222' }),
    ]);
    expectFailedAt(rolledBack, 1, { status: 400, code: 'HTTP_VALIDATION' });
    const committed = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'b', pin: '3333' }),
      createOp(name, { owner: alice.id, title: 'c', pin: '4444' }),
    ]);
    expect(committed.statusCode, committed.body).toBe(200);
    expect(committed.json().responses.map((r: { body: { pin: string } }) => r.body.pin)).toEqual(['3333', '4444']);
    const stored = await rowsOf(name);
    expect(stored.map((row) => String(row.pin).startsWith('enc:v1:'))).toEqual([true, true]);
    const listed = await app.http.inject({ url: recordsUrl(name), headers: alice.headers });
    expect(
      listed
        .json()
        .items.map((r: { pin: string }) => r.pin)
        .sort(),
    ).toEqual(['3333', '4444']);
  });

  it("a deleted record's files are removed once the batch commits, and kept when it rolls back", async () => {
    const name = uniqueName('albums');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text', required: true },
        { name: 'cover', type: 'file', types: ['image/png'] },
      ],
      rules: OWNER_RULES,
    });
    const album = await createRecord(app, name, alice.headers, { owner: alice.id, title: 'album' });
    const uploaded = await upload(app, filesBase(name, album.id, 'cover'), alice.headers, {
      filename: 'cover.png',
      data: PNG_1X1,
    });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const ofAlbum = () => storedFiles(app).filter((path) => path.includes(album.id));
    expect(ofAlbum()).toHaveLength(1);

    const rolledBack = await sendBatch(app, alice.headers, [
      deleteOp(name, album.id),
      createOp(name, { owner: alice.id }),
    ]);
    expectFailedAt(rolledBack, 1, { status: 400, code: 'HTTP_VALIDATION' });
    expect(ofAlbum()).toHaveLength(1);

    const committed = await sendBatch(app, alice.headers, [deleteOp(name, album.id)]);
    expect(committed.statusCode, committed.body).toBe(200);
    expect(ofAlbum()).toEqual([]);
  });

  it('record webhooks are queued only when the batch commits', async () => {
    const name = await notes();
    const hook = await registerWebhook(app, admin, { url: 'https://hooks.example.com/batch', events: ['record.*'] });
    const ofThis = async () =>
      (await deliveryLog(app, admin, hook.id)).filter((d) => d.event.startsWith('record.')).map((d) => d.event);
    const failed = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'rolled back' }),
      createOp(name, { owner: bob.id, title: 'refused' }),
    ]);
    expectFailedAt(failed, 1, { status: 403, code: 'REC_FORBIDDEN' });
    expect(await ofThis()).toEqual([]);

    const committed = await sendBatch(app, alice.headers, [
      createOp(name, { owner: alice.id, title: 'one' }),
      createOp(name, { owner: alice.id, title: 'two' }),
    ]);
    expect(committed.statusCode, committed.body).toBe(200);
    expect(await ofThis()).toEqual(['record.created', 'record.created']);
  });
});
