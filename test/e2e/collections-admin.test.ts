import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  auditEntries,
  createCollection,
  createRecord,
  errorFields,
  expectProblem,
  newAdmin,
  newUser,
  rawRow,
  rawRows,
  recordsApi,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

const OPEN = { list: '', view: '', create: '', update: '', delete: '' };

describe('collections administration', () => {
  let admin: Account;
  let user: Account;
  const api = () => adminApi(app);

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app);
  });

  it('answers non-administrators 403 (guests 401) on every admin collection route, changing nothing', async () => {
    await createCollection(app, admin, { name: 'guarded', fields: [{ name: 'title', type: 'text' }] });
    const definition = { name: 'intruder', fields: [{ name: 'title', type: 'text' }] };
    for (const [headers, status] of [
      [user.headers, 403],
      [undefined, 401],
    ] as const) {
      expectProblem(await api().get(headers), status);
      expectProblem(await api().get(headers, 'guarded'), status);
      expectProblem(await api().create(headers, definition), status);
      expectProblem(await api().patch(headers, 'guarded', { rules: OPEN }), status);
      expectProblem(await api().remove(headers, 'guarded', true), status);
    }
    expect((await api().get(admin.headers, 'guarded')).json().rules.list).toBeNull();
    expect(await rawRows(app, 'c_intruder')).toBeNull();
  });

  it.each([
    ['a name starting with a digit', { name: '1abc', fields: [] }, 'name'],
    ['an upper-case name', { name: 'Notes', fields: [] }, 'name'],
    ['a reserved name', { name: 'users', fields: [] }, 'name'],
    ['a reserved field', { name: 'r1', fields: [{ name: 'id', type: 'text' }] }, 'fields.0.name'],
    ['a field name with SQL', { name: 'r2', fields: [{ name: 'a; drop', type: 'text' }] }, 'fields.0.name'],
    [
      'a duplicate field',
      {
        name: 'r3',
        fields: [
          { name: 'a', type: 'text' },
          { name: 'a', type: 'number' },
        ],
      },
      'fields.1.name',
    ],
    ['an unknown type', { name: 'r4', fields: [{ name: 'a', type: 'blob' }] }, 'fields.0.type'],
    ['a select without values', { name: 'r5', fields: [{ name: 'a', type: 'select' }] }, 'fields.0.values'],
    [
      'a relation to an unknown collection',
      { name: 'r6', fields: [{ name: 'a', type: 'relation', collection: 'nowhere' }] },
      'fields.0.collection',
    ],
    [
      'an encrypted unique field',
      { name: 'r7', fields: [{ name: 'a', type: 'text', encrypted: true, unique: true }] },
      'fields.0.unique',
    ],
    [
      'a pattern RE2 cannot run (backreference)',
      { name: 'r8', fields: [{ name: 'a', type: 'text', pattern: '^(a)\\1$' }] },
      'fields.0.pattern',
    ],
    [
      'a broken list rule',
      { name: 'r9', fields: [{ name: 'a', type: 'text' }], rules: { list: 'a = "x' } },
      'rules.list',
    ],
    [
      'a rule on an unknown field',
      { name: 'r10', fields: [{ name: 'a', type: 'text' }], rules: { view: 'b = "x"' } },
      'rules.view',
    ],
    ['an unknown property', { name: 'r11', fields: [], owner: 'me' }, 'owner'],
  ])('refuses %s with 400 naming the field', async (_label, definition, field) => {
    const response = await api().create(admin.headers, definition);
    expectProblem(response, 400);
    expect(errorFields(response).join(' ')).toContain(field);
    expect((await api().get(admin.headers)).json().items.map((c: { name: string }) => c.name)).not.toContain(
      (definition as { name: string }).name,
    );
  });

  it('names the position of a syntax error in a rule', async () => {
    const response = await api().create(admin.headers, {
      name: 'broken',
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: 'title = "a" && && title = "b"' },
    });
    expectProblem(response, 400, 'COLL_INVALID');
    const error = response.json().errors.find((e: { field: string }) => e.field === 'rules.list');
    expect(error.code).toBe('RULE_SYNTAX');
    expect(error.message).toMatch(/at character 16\b/);
  });

  it('creates the table, adds fields with zero values, guards drops and type changes, and audits it all', async () => {
    await createCollection(app, admin, {
      name: 'books',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'notes', type: 'text' },
      ],
      rules: OPEN,
    });
    expect(await rawRows(app, 'c_books')).toEqual([]);
    expectProblem(await api().create(admin.headers, { name: 'books', fields: [] }), 409, 'COLL_EXISTS');
    const book = await createRecord(app, 'books', undefined, { title: 'Dune', notes: 'spice' });

    const added = await api().patch(admin.headers, 'books', {
      fields: [
        { name: 'title', type: 'text' },
        { name: 'notes', type: 'text' },
        { name: 'pages', type: 'number' },
        { name: 'read', type: 'bool' },
        { name: 'meta', type: 'json' },
      ],
    });
    expect(added.statusCode, added.body).toBe(200);
    const viewed = (await recordsApi(app, 'books').view(undefined, book.id)).json();
    expect(viewed).toMatchObject({ title: 'Dune', pages: 0, read: false, meta: null });
    expect(await rawRow(app, 'c_books', book.id)).toMatchObject({ pages: 0, read: 0, meta: 'null' });

    const withoutNotes = [
      { name: 'title', type: 'text' },
      { name: 'pages', type: 'number' },
    ];
    const refused = await api().patch(admin.headers, 'books', { fields: withoutNotes });
    expectProblem(refused, 409, 'COLL_DATA_LOSS');
    expect(refused.json().detail).toContain('notes');
    expect((await rawRow(app, 'c_books', book.id))?.notes).toBe('spice');
    // `read` and `meta` hold only zero values: dropping them needs no confirmation.
    const dropped = await api().patch(admin.headers, 'books', { fields: withoutNotes, confirmDataLoss: true });
    expect(dropped.statusCode, dropped.body).toBe(200);
    expect(Object.keys((await rawRow(app, 'c_books', book.id)) ?? {}).sort()).toEqual([
      'created',
      'id',
      'pages',
      'title',
      'updated',
    ]);

    for (const change of [
      { name: 'title', type: 'number' },
      { name: 'title', type: 'text', encrypted: true },
    ]) {
      const typed = await api().patch(admin.headers, 'books', { fields: [change, { name: 'pages', type: 'number' }] });
      expectProblem(typed, 400);
      expect(errorFields(typed)).toContain('title');
    }
    expect((await rawRow(app, 'c_books', book.id))?.title).toBe('Dune');

    const updates = (await auditEntries(app, 'collections.update')).filter((e) => e.details.collection === 'books');
    expect(updates).toHaveLength(2);
    expect(updates.every((e) => e.actor === admin.id)).toBe(true);
    expect(updates.flatMap((e) => e.details.changes as string[])).toEqual(
      expect.arrayContaining(['added pages', 'dropped notes']),
    );
    const creates = (await auditEntries(app, 'collections.create')).filter((e) => e.details.collection === 'books');
    expect(creates).toHaveLength(1);
  });

  it('deleting a collection with records needs ?confirmDataLoss=true; then its table is gone (audited)', async () => {
    await createCollection(app, admin, { name: 'doomed', fields: [{ name: 'title', type: 'text' }], rules: OPEN });
    await createRecord(app, 'doomed', undefined, { title: 'still here' });
    expectProblem(await api().remove(admin.headers, 'doomed'), 409, 'COLL_DATA_LOSS');
    expect(await rawRows(app, 'c_doomed')).toHaveLength(1);
    expect((await api().remove(admin.headers, 'doomed', true)).statusCode).toBe(204);
    expect(await rawRows(app, 'c_doomed')).toBeNull();
    expectProblem(await api().get(admin.headers, 'doomed'), 404, 'COLL_NOT_FOUND');
    expectProblem(await recordsApi(app, 'doomed').list(undefined), 404);
    expectProblem(await api().remove(admin.headers, 'doomed', true), 404);

    await createCollection(app, admin, { name: 'empty', fields: [] });
    expect((await api().remove(admin.headers, 'empty')).statusCode).toBe(204);
    const deletes = (await auditEntries(app, 'collections.delete')).map((e) => e.details.collection);
    expect(deletes).toEqual(expect.arrayContaining(['doomed', 'empty']));
  });

  it('needs a recent sign-in for changes', async () => {
    const stale = await newAdmin(app);
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: Date.now() - 60 * 60_000, factor_ms: Date.now() - 60 * 60_000 })
      .where('user_id', '=', stale.id)
      .execute();
    expectProblem(await api().create(stale.headers, { name: 'late', fields: [] }), 403, 'AUTH_STEP_UP_REQUIRED');
    expect((await api().get(stale.headers)).statusCode).toBe(200);
  });

  it('a collection named like another collection’s index is created, or refused with 4xx', async () => {
    await createCollection(app, admin, { name: 'clash', fields: [{ name: 'a', type: 'text', unique: true }] });
    for (const name of ['clash_created', 'clash_a_unique']) {
      const response = await api().create(admin.headers, { name, fields: [] });
      expect(response.statusCode, response.body).toBeLessThan(500);
    }
  });

  it('adding a unique field to a collection with records works (or is refused with 4xx)', async () => {
    await createCollection(app, admin, { name: 'handles', fields: [{ name: 'title', type: 'text' }], rules: OPEN });
    for (const title of ['one', 'two']) await createRecord(app, 'handles', undefined, { title });
    const response = await api().patch(admin.headers, 'handles', {
      fields: [
        { name: 'title', type: 'text' },
        { name: 'handle', type: 'text', unique: true },
      ],
    });
    expect(response.statusCode, response.body).toBeLessThan(500);
  });

  it('making a field unique while records share a value is refused with 4xx, not a 500', async () => {
    await createCollection(app, admin, { name: 'twins', fields: [{ name: 'title', type: 'text' }], rules: OPEN });
    for (let i = 0; i < 2; i++) await createRecord(app, 'twins', undefined, { title: 'same' });
    const response = await api().patch(admin.headers, 'twins', {
      fields: [{ name: 'title', type: 'text', unique: true }],
    });
    expect(response.statusCode, response.body).toBeGreaterThanOrEqual(400);
    expect(response.statusCode, response.body).toBeLessThan(500);
    expect((await api().get(admin.headers, 'twins')).json().fields[0].unique).toBeUndefined();
  });

  it('a collection that a relation targets cannot be deleted out from under it', async () => {
    await createCollection(app, admin, { name: 'authors', fields: [{ name: 'name', type: 'text' }], rules: OPEN });
    await createCollection(app, admin, {
      name: 'posts',
      fields: [{ name: 'author', type: 'relation', collection: 'authors' }],
      rules: OPEN,
    });
    const author = await createRecord(app, 'authors', undefined, { name: 'Ann' });
    const removed = await api().remove(admin.headers, 'authors', true);
    const post = await recordsApi(app, 'posts').create(undefined, { author: author.id });
    expect([removed.statusCode, post.statusCode]).not.toContain(500);
  });
});
