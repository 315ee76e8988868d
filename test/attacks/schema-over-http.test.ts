import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  auditEntries,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  rawRows,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * `GET|PUT /api/admin/schema`: the schema file over HTTP, for administrators only, applies
 * needing a recent sign-in (step-up), all or nothing.
 */
describe('schema as code over HTTP', () => {
  let admin: Account;
  let user: Account;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app);
  });

  const getSchema = (headers?: Record<string, string>) =>
    app.http.inject({ method: 'GET', url: '/api/admin/schema', ...(headers ? { headers } : {}) });
  const putSchema = (headers: Record<string, string> | undefined, payload: unknown, query = '') =>
    app.http.inject({
      method: 'PUT',
      url: `/api/admin/schema${query}`,
      payload: payload as object,
      ...(headers ? { headers } : {}),
    });
  const current = async () => (await getSchema(admin.headers)).json();

  it('refuses guests (401), users and unscoped keys (403), and a stale administrator the apply (step-up), changing nothing', async () => {
    const name = uniqueName('guarded');
    const document = await current();
    const wanted = { ...document, collections: [...document.collections, { name, fields: [] }] };
    const narrowKey = await newApiKey(app, admin, ['profile:read']);
    for (const [headers, status] of [
      [undefined, 401],
      [user.headers, 403],
      [narrowKey, 403],
    ] as const) {
      expectProblem(await getSchema(headers), status);
      expectProblem(await putSchema(headers, wanted), status);
      expectProblem(await putSchema(headers, wanted, '?dryRun=true'), status);
    }
    const stale = await newAdmin(app);
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: 0, factor_ms: 0 })
      .where('user_id', '=', stale.id)
      .execute();
    expect((await getSchema(stale.headers)).statusCode).toBe(200);
    expectProblem(await putSchema(stale.headers, wanted), 403, 'AUTH_STEP_UP_REQUIRED');
    expect(await rawRows(app, `c_${name}`)).toBeNull();
    expect((await current()).collections.map((c: { name: string }) => c.name)).not.toContain(name);
  });

  it('applies what GET returned plus a change, audited with the administrator; dry runs change nothing', async () => {
    const name = uniqueName('tasks');
    const document = await current();
    const wanted = {
      ...document,
      collections: [...document.collections, { name, fields: [{ name: 'title', type: 'text' }], rules: { list: '' } }],
    };
    const dry = await putSchema(admin.headers, wanted, '?dryRun=true');
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ status: 'dry-run', plan: { added: [name], removed: [], changed: [] } });
    expect(await rawRows(app, `c_${name}`)).toBeNull();

    const applied = await putSchema(admin.headers, wanted);
    expect(applied.statusCode, applied.body).toBe(200);
    expect(applied.json().status).toBe('applied');
    expect(await rawRows(app, `c_${name}`)).toEqual([]);
    const [entry] = await auditEntries(app, 'schema.apply');
    expect(entry?.actor).toBe(admin.id);
    expect(entry?.details).toMatchObject({ added: [name], removed: [], dataLoss: [] });
    expect((await putSchema(admin.headers, await current())).json().status).toBe('unchanged');
  });

  it('refuses dropping a collection that holds records with 409 unless confirmDataLoss, then drops it', async () => {
    const name = uniqueName('doomed');
    await createCollection(app, admin, { name, fields: [{ name: 'line', type: 'text' }] });
    await createRecord(app, name, admin.headers, { line: 'keep me' });
    const document = await current();
    const wanted = { ...document, collections: document.collections.filter((c: { name: string }) => c.name !== name) };
    const refused = await putSchema(admin.headers, wanted);
    expectProblem(refused, 409, 'COLL_DATA_LOSS');
    expect(refused.json().detail).toBe(`Applying would delete 1 record of ${name}.`);
    expect(await rawRows(app, `c_${name}`)).toHaveLength(1);

    const dry = await putSchema(admin.headers, wanted, '?dryRun=true');
    expect(dry.json()).toMatchObject({ status: 'refused', dataLoss: [{ collection: name, field: null, count: 1 }] });

    const confirmed = await putSchema(admin.headers, wanted, '?confirmDataLoss=true');
    expect(confirmed.statusCode, confirmed.body).toBe(200);
    expect(await rawRows(app, `c_${name}`)).toBeNull();
  });

  it('is all or nothing: a change that fails midway (a unique field over duplicate values) leaves every table as it was', async () => {
    const dup = uniqueName('dup');
    const added = uniqueName('added');
    await createCollection(app, admin, { name: dup, fields: [{ name: 'code', type: 'text' }] });
    await createRecord(app, dup, admin.headers, { code: 'same' });
    await createRecord(app, dup, admin.headers, { code: 'same' });
    const document = await current();
    const collections = document.collections.map((c: { name: string; fields: Array<{ name: string }> }) =>
      c.name === dup ? { ...c, fields: [{ name: 'code', type: 'text', unique: true }] } : c,
    );
    // The new collection comes first in the file, so its table is made before the unique index fails.
    collections.unshift({ name: added, fields: [{ name: 'x', type: 'text' }] });
    const before = await current();
    expectProblem(await putSchema(admin.headers, { ...document, collections }), 409, 'COLL_UNIQUE_CONFLICT');
    expect(await rawRows(app, `c_${added}`)).toBeNull();
    expect(await current()).toEqual(before);
    expect(await rawRows(app, `c_${dup}`)).toHaveLength(2);
  });

  it('refuses a document naming a collection twice, or changing a field type, with the path in errors[]', async () => {
    const name = uniqueName('typed');
    await createCollection(app, admin, { name, fields: [{ name: 'n', type: 'number' }] });
    const document = await current();
    const twice = { ...document, collections: [...document.collections, { name, fields: [] }] };
    const duplicate = await putSchema(admin.headers, twice);
    expectProblem(duplicate, 400, 'SCHEMA_INVALID');
    expect(duplicate.json().errors).toEqual([
      {
        field: `collections.${document.collections.length}.name`,
        code: 'duplicate',
        message: `"${name}" appears twice`,
      },
    ]);
    const index = document.collections.findIndex((c: { name: string }) => c.name === name);
    const retyped = structuredClone(document);
    retyped.collections[index].fields[0].type = 'text';
    const immutable = await putSchema(admin.headers, retyped);
    expectProblem(immutable, 400, 'COLL_INVALID');
    expect(immutable.json().errors[0]).toMatchObject({
      field: `collections.${index}.fields.0.type`,
      code: 'immutable',
    });
    expectProblem(await putSchema(admin.headers, { ...document, version: 2 }), 400, 'HTTP_VALIDATION');
  });
});
