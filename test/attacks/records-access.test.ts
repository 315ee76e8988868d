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
  type Rules,
  rawRow,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

const OWNER_RULES: Rules = {
  list: 'owner = @request.auth.id',
  view: 'owner = @request.auth.id',
  create: 'owner = @request.auth.id',
  update: 'owner = @request.auth.id',
  delete: 'owner = @request.auth.id',
};

describe('records access rules', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;

  /** A fresh `owner` + `title` collection with the given rules. */
  const notes = async (rules: Rules) => {
    const name = uniqueName('notes');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules,
    });
    return { name, api: recordsApi(app, name) };
  };

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
  });

  it('denies by default: with no rules only administrators reach the records', async () => {
    const { name, api } = await notes({});
    const record = await createRecord(app, name, admin.headers, { owner: alice.id, title: 'locked' });
    for (const headers of [undefined, alice.headers]) {
      expectProblem(await api.list(headers), 403, 'REC_FORBIDDEN');
      expectProblem(await api.view(headers, record.id), 404, 'REC_NOT_FOUND');
      expectProblem(await api.update(headers, record.id, { title: 'changed' }), 404, 'REC_NOT_FOUND');
      expectProblem(await api.remove(headers, record.id), 404, 'REC_NOT_FOUND');
      expectProblem(await api.create(headers, { owner: alice.id, title: 'mine' }), 403, 'REC_FORBIDDEN');
    }
    expect((await rawRow(app, `c_${name}`, record.id))?.title).toBe('locked');

    const listed = await api.list(admin.headers);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ totalItems: 1, items: [{ id: record.id, title: 'locked' }] });
    expect((await api.view(admin.headers, record.id)).json().title).toBe('locked');
    expect((await api.update(admin.headers, record.id, { title: 'by admin' })).json().title).toBe('by admin');
    expect((await api.remove(admin.headers, record.id)).statusCode).toBe(204);
    expect(await rawRow(app, `c_${name}`, record.id)).toBeUndefined();
  });

  it('owner rule: each user lists only their own records, and the count counts only those', async () => {
    const { name, api } = await notes(OWNER_RULES);
    for (const title of ['a1', 'a2', 'a3']) await createRecord(app, name, alice.headers, { owner: alice.id, title });
    await createRecord(app, name, bob.headers, { owner: bob.id, title: 'b1' });

    const forAlice = (await api.list(alice.headers)).json();
    expect(forAlice.totalItems).toBe(3);
    expect(forAlice.totalPages).toBe(1);
    expect(forAlice.items.map((r: { title: string }) => r.title).sort()).toEqual(['a1', 'a2', 'a3']);
    expect(forAlice.items.every((r: { owner: string }) => r.owner === alice.id)).toBe(true);

    const forBob = (await api.list(bob.headers)).json();
    expect(forBob).toMatchObject({ totalItems: 1, items: [{ title: 'b1', owner: bob.id }] });
    // A filter cannot widen the rule: it is ANDed with it.
    const widened = await api.list(bob.headers, { filter: `owner = "${alice.id}" || title != ""` });
    expect(widened.json()).toMatchObject({ totalItems: 1, items: [{ title: 'b1' }] });
    // Paging reports the visible total, not the table's.
    expect((await api.list(alice.headers, { perPage: 2 })).json()).toMatchObject({ totalItems: 3, totalPages: 2 });
    // Guests match no owner.
    expect((await api.list(undefined)).json()).toMatchObject({ totalItems: 0, items: [] });
  });

  it("owner rule: another user's record is 404 on view, update and delete, stays unchanged, and is audited", async () => {
    const { name, api } = await notes(OWNER_RULES);
    const record = await createRecord(app, name, alice.headers, { owner: alice.id, title: 'private' });
    const before = await rawRow(app, `c_${name}`, record.id);

    const view = await api.view(bob.headers, record.id);
    expectProblem(view, 404, 'REC_NOT_FOUND');
    expect(view.body).not.toContain('private');
    const missing = await api.view(bob.headers, '00000000-0000-4000-8000-000000000000');
    // Not found and not allowed look the same apart from the request id.
    expect({ ...view.json(), requestId: '', instance: '' }).toEqual({ ...missing.json(), requestId: '', instance: '' });

    expectProblem(await api.update(bob.headers, record.id, { title: 'defaced' }), 404, 'REC_NOT_FOUND');
    expectProblem(await api.update(bob.headers, record.id, { owner: bob.id }), 404, 'REC_NOT_FOUND');
    expectProblem(await api.remove(bob.headers, record.id), 404, 'REC_NOT_FOUND');
    expect(await rawRow(app, `c_${name}`, record.id)).toEqual(before);

    const denied = (await auditEntries(app, 'records.write.denied')).filter(
      (e) => e.details.collection === name && e.details.id === record.id,
    );
    expect(denied.map((e) => e.details.action).sort()).toEqual(['delete', 'update', 'update']);
    expect(denied.every((e) => e.actor === bob.id)).toBe(true);

    // The owner still can.
    expect((await api.view(alice.headers, record.id)).json().title).toBe('private');
    expect((await api.update(alice.headers, record.id, { title: 'edited' })).json().title).toBe('edited');
    expect((await api.remove(alice.headers, record.id)).statusCode).toBe(204);
  });

  it('an empty rule lets guests in', async () => {
    const { name, api } = await notes({ list: '', view: '', create: '' });
    const created = await api.create(undefined, { title: 'from a guest' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await api.list(undefined)).json()).toMatchObject({ totalItems: 1, items: [{ id }] });
    expect((await api.view(undefined, id)).json().title).toBe('from a guest');
    // update and delete were left out: locked.
    expectProblem(await api.update(undefined, id, { title: 'x' }), 404, 'REC_NOT_FOUND');
    expectProblem(await api.remove(alice.headers, id), 404, 'REC_NOT_FOUND');
    expect((await rawRow(app, `c_${name}`, id))?.title).toBe('from a guest');
  });

  it('`@request.auth.id != ""` lets any signed-in user in, but not guests', async () => {
    const signedIn = '@request.auth.id != ""';
    const { api } = await notes({ list: signedIn, view: signedIn, create: signedIn });
    const created = await api.create(alice.headers, { title: 'members only' });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    expect((await api.list(bob.headers)).json().totalItems).toBe(1);
    expect((await api.view(bob.headers, id)).statusCode).toBe(200);
    expect((await api.list(undefined)).json()).toMatchObject({ totalItems: 0, items: [] });
    expectProblem(await api.view(undefined, id), 404, 'REC_NOT_FOUND');
    expectProblem(await api.create(undefined, { title: 'guest' }), 403, 'REC_FORBIDDEN');
  });

  it('a create rule binding the owner refuses a record owned by someone else (audited)', async () => {
    const { name, api } = await notes(OWNER_RULES);
    expectProblem(await api.create(bob.headers, { owner: alice.id, title: 'forged' }), 403, 'REC_FORBIDDEN');
    expectProblem(await api.create(bob.headers, { title: 'ownerless' }), 403, 'REC_FORBIDDEN');
    expectProblem(await api.create(undefined, { owner: alice.id, title: 'guest' }), 403, 'REC_FORBIDDEN');
    expect((await api.list(admin.headers)).json().totalItems).toBe(0);
    const denied = (await auditEntries(app, 'records.write.denied')).filter((e) => e.details.collection === name);
    expect(denied).toHaveLength(3);
    expect(denied.every((e) => e.details.action === 'create')).toBe(true);
    await createRecord(app, name, bob.headers, { owner: bob.id, title: 'own' });
  });

  it('API keys: without records:write a key cannot create; with records:read it can list', async () => {
    const { name, api } = await notes(OWNER_RULES);
    await createRecord(app, name, alice.headers, { owner: alice.id, title: 'keyed' });
    const readKey = await newApiKey(app, alice, ['records:read']);
    const profileKey = await newApiKey(app, alice, ['profile:read']);
    const writeKey = await newApiKey(app, alice, ['records:write']);

    expectProblem(await api.create(readKey, { owner: alice.id, title: 'via key' }), 403);
    expect((await api.list(admin.headers)).json().totalItems).toBe(1);
    const listed = await api.list(readKey);
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json()).toMatchObject({ totalItems: 1, items: [{ title: 'keyed' }] });

    expectProblem(await api.list(profileKey), 403);
    const written = await api.create(writeKey, { owner: alice.id, title: 'via write key' });
    expect(written.statusCode, written.body).toBe(201);
    // A key acts as its owner: it cannot write for someone else either.
    expectProblem(await api.create(writeKey, { owner: bob.id, title: 'forged' }), 403, 'REC_FORBIDDEN');
  });

  it('a filter cannot read, through a relation, a record its own rules hide', async () => {
    const secrets = uniqueName('secrets');
    await createCollection(app, admin, { name: secrets, fields: [{ name: 'code', type: 'text' }] });
    const posts = uniqueName('posts');
    await createCollection(app, admin, {
      name: posts,
      fields: [{ name: 'secret', type: 'relation', collection: secrets }],
      rules: { list: '' },
    });
    const secret = await createRecord(app, secrets, admin.headers, { code: 'hunter2' });
    await createRecord(app, posts, admin.headers, { secret: secret.id });
    expectProblem(await recordsApi(app, secrets).view(alice.headers, secret.id), 404);

    const guess = async (code: string) => {
      const response = await recordsApi(app, posts).list(alice.headers, { filter: `secret.code = "${code}"` });
      return response.statusCode === 200 ? response.json().totalItems : response.statusCode;
    };
    // Refused outright, or at least the answer must not depend on the hidden value.
    expect(await guess('hunter2')).toBe(await guess('wrong guess'));
  });

  it("an administrator's API key without the admin scope is bound by the rules like anyone", async () => {
    const { name, api } = await notes({ list: 'owner = @request.auth.id' });
    await createRecord(app, name, admin.headers, { owner: alice.id, title: 'not the admin’s' });
    const key = await newApiKey(app, admin, ['records:read']);
    expect((await api.list(key)).json()).toMatchObject({ totalItems: 0, items: [] });
    expect((await api.list(admin.headers)).json().totalItems).toBe(1);
  });
});
