import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  createCollection,
  createRecord,
  errorFields,
  expectProblem,
  newAdmin,
  newUser,
  rawRow,
  recordsApi,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

const OWN = 'owner = @request.auth.id';
const OWNER_RULES = { list: OWN, view: OWN, create: OWN, update: OWN, delete: OWN };
const marker = (label: string) => `${label}-${randomBytes(8).toString('hex')}`;

describe('record fields: mass assignment, hidden and encrypted fields, validation', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;
  const profiles = () => recordsApi(app, 'profiles');

  const app = useTestApp();
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
    await createCollection(app, admin, {
      name: 'profiles',
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
        { name: 'note', type: 'text', hidden: true, clientWritable: true },
        { name: 'ssn', type: 'text', encrypted: true },
        { name: 'diary', type: 'text', encrypted: true },
      ],
      rules: OWNER_RULES,
    });
  });

  it('refuses unknown and server-managed fields (400 naming them) and changes nothing', async () => {
    const refused = await profiles().create(alice.headers, { owner: alice.id, title: 't', role: 'admin', is_admin: 1 });
    expectProblem(refused, 400);
    expect(refused.json().errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'role', code: 'unknown_field' }),
        expect.objectContaining({ field: 'is_admin', code: 'unknown_field' }),
      ]),
    );
    const forcedId = '11111111-1111-4111-8111-111111111111';
    const managed = await profiles().create(alice.headers, {
      owner: alice.id,
      id: forcedId,
      created: '2000-01-01T00:00:00.000Z',
      updated: '2000-01-01T00:00:00.000Z',
    });
    expectProblem(managed, 400);
    expect(managed.json().errors.map((e: { code: string }) => e.code)).toEqual([
      'server_managed',
      'server_managed',
      'server_managed',
    ]);
    expect(await rawRow(app, 'c_profiles', forcedId)).toBeUndefined();

    const record = await createRecord(app, 'profiles', alice.headers, { owner: alice.id, title: 'mine' });
    const before = await rawRow(app, 'c_profiles', record.id);
    for (const body of [
      { id: forcedId },
      { created: '2000-01-01T00:00:00.000Z' },
      { updated: '2000-01-01T00:00:00.000Z', title: 'sneaky' },
      { password_hash: 'x' },
    ]) {
      const response = await profiles().update(alice.headers, record.id, body);
      expectProblem(response, 400);
      expect(errorFields(response)).toContain(Object.keys(body)[0]);
    }
    const proto = await app.http.inject({
      method: 'POST',
      url: '/api/collections/profiles/records',
      headers: { ...alice.headers, 'content-type': 'application/json' },
      payload: `{"owner":"${alice.id}","__proto__":{"title":"polluted"},"constructor":{"prototype":{"x":1}}}`,
    });
    expect(proto.statusCode, proto.body).toBe(400);
    expect(await rawRow(app, 'c_profiles', record.id)).toEqual(before);
  });

  it('lets an update rule name the fields a caller may change (`:isset`): handing a record over is refused', async () => {
    await createCollection(app, admin, {
      name: 'tickets',
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
        { name: 'status', type: 'select', values: ['open', 'closed'] },
      ],
      rules: {
        ...OWNER_RULES,
        update: 'owner = @request.auth.id && @request.body.owner:isset = false && @request.body.status:isset = false',
      },
    });
    const tickets = recordsApi(app, 'tickets');
    const ticket = await createRecord(app, 'tickets', alice.headers, { owner: alice.id, title: 't', status: 'open' });
    const before = await rawRow(app, 'c_tickets', ticket.id);
    for (const body of [{ owner: bob.id }, { status: 'closed' }, { title: 'x', owner: alice.id }]) {
      expectProblem(await tickets.update(alice.headers, ticket.id, body), 404, 'REC_NOT_FOUND');
    }
    expect(await rawRow(app, 'c_tickets', ticket.id)).toEqual(before);
    const allowed = await tickets.update(alice.headers, ticket.id, { title: 'renamed' });
    expect(allowed.statusCode, allowed.body).toBe(200);
    expect(allowed.json()).toMatchObject({ title: 'renamed', owner: alice.id, status: 'open' });
    // The modifier is for request bodies only: on a field it is a 400 naming the position.
    const misuse = await adminApi(app).patch(admin.headers, 'tickets', { rules: { update: 'owner:isset = true' } });
    expectProblem(misuse, 400);
  });

  it('never returns a hidden field, yet stores it', async () => {
    const secret = marker('hidden');
    const created = await profiles().create(alice.headers, { owner: alice.id, title: 'h', note: secret });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().id as string;
    const responses = [
      created,
      await profiles().view(alice.headers, id),
      await profiles().list(alice.headers),
      await profiles().list(admin.headers, { perPage: 500 }),
      await profiles().update(alice.headers, id, { title: 'h2' }),
      await profiles().update(alice.headers, id, { note: `${secret}-2` }),
      await profiles().view(admin.headers, id),
    ];
    for (const response of responses) {
      expect(response.statusCode, response.body).toBeLessThan(300);
      expect(response.body).not.toContain(secret);
      const body = response.json();
      for (const item of body.items ?? [body]) expect(item).not.toHaveProperty('note');
    }
    expect((await rawRow(app, 'c_profiles', id))?.note).toBe(`${secret}-2`);
  });

  it('refuses filtering or sorting on a hidden field (it would be an oracle)', async () => {
    for (const query of [
      { filter: 'note = "x"' },
      { filter: 'note ~ "a"' },
      { filter: 'title = "x" || note != ""' },
      { sort: 'note' },
      { sort: '-note' },
    ]) {
      expectProblem(await profiles().list(alice.headers, query), 400, 'RULE_FIELD_NOT_FILTERABLE');
      expectProblem(await profiles().list(admin.headers, query), 400, 'RULE_FIELD_NOT_FILTERABLE');
    }
  });

  it('keeps encrypted values out of the database in clear, and decrypts them for allowed readers', async () => {
    const ssn = marker('ssn-plaintext');
    const record = await createRecord(app, 'profiles', alice.headers, { owner: alice.id, ssn });
    expect(record.ssn).toBe(ssn);
    const row = await rawRow(app, 'c_profiles', record.id);
    expect(String(row?.ssn)).toMatch(/^enc:v1:[0-9a-f-]{36}:[A-Za-z0-9+/=]+$/);
    expect(JSON.stringify(row)).not.toContain(ssn);
    if (app.database.dialect === 'sqlite') {
      const file = join(app.dataDir, 'bulwark.db');
      for (const path of [file, `${file}-wal`, `${file}-journal`].filter((p) => existsSync(p))) {
        expect(readFileSync(path).includes(ssn), path).toBe(false);
      }
      const written = readFileSync(file).length + (existsSync(`${file}-wal`) ? readFileSync(`${file}-wal`).length : 0);
      expect(written).toBeGreaterThan(0);
    }
    expect(app.logs.text).not.toContain(ssn);

    expect((await profiles().view(alice.headers, record.id)).json().ssn).toBe(ssn);
    const listed = (await profiles().list(alice.headers)).json().items.find((r: { id: string }) => r.id === record.id);
    expect(listed.ssn).toBe(ssn);
    const forBob = await profiles().view(bob.headers, record.id);
    expectProblem(forBob, 404, 'REC_NOT_FOUND');
    expect(forBob.body).not.toContain(ssn);

    for (const query of [{ filter: `ssn = "${ssn}"` }, { filter: 'ssn ~ "ssn"' }, { sort: 'ssn' }]) {
      expectProblem(await profiles().list(alice.headers, query), 400, 'RULE_FIELD_NOT_FILTERABLE');
    }
  });

  it('rejects a ciphertext moved to another record or field instead of returning its plaintext', async () => {
    const secretA = marker('alpha');
    const secretB = marker('beta');
    const a = await createRecord(app, 'profiles', alice.headers, { owner: alice.id, ssn: secretA });
    const b = await createRecord(app, 'profiles', alice.headers, { owner: alice.id, ssn: secretB, title: 'b' });
    const storedA = (await rawRow(app, 'c_profiles', a.id))?.ssn as string;
    await sql`UPDATE c_profiles SET ssn = ${storedA} WHERE id = ${b.id}`.execute(app.database.db);

    const view = await profiles().view(alice.headers, b.id);
    expect(view.statusCode, view.body).toBeGreaterThanOrEqual(400);
    expect(view.body).not.toContain(secretA);
    expect(view.body).not.toContain(secretB);
    const list = await profiles().list(alice.headers, { perPage: 500 });
    expect(list.body).not.toContain(secretA);

    // The same ciphertext in another encrypted field of its own record is refused too.
    await sql`UPDATE c_profiles SET diary = ${storedA} WHERE id = ${a.id}`.execute(app.database.db);
    const moved = await profiles().view(alice.headers, a.id);
    expect(moved.statusCode, moved.body).toBeGreaterThanOrEqual(400);
    expect(moved.body).not.toContain(secretA);
    await sql`DELETE FROM c_profiles WHERE id IN (${a.id}, ${b.id})`.execute(app.database.db);
  });

  describe('value checks', () => {
    const kinds = () => recordsApi(app, 'kinds');
    beforeAll(async () => {
      await createCollection(app, admin, {
        name: 'kinds',
        fields: [
          { name: 'link', type: 'url' },
          { name: 'status', type: 'select', values: ['draft', 'published'] },
          { name: 'stars', type: 'number', min: 1, max: 5 },
          { name: 'code', type: 'text', pattern: '^[A-Z]{3}-[0-9]{3}$' },
          { name: 'author', type: 'relation', collection: 'users' },
        ],
        rules: { list: '', view: '', create: '', update: '', delete: '' },
      });
    });
    const expectFieldRefused = async (body: Record<string, unknown>, field: string) => {
      const response = await kinds().create(undefined, body);
      expectProblem(response, 400);
      expect(errorFields(response)).toContain(field);
    };

    it('url fields accept http and https only', async () => {
      for (const link of [
        'javascript:alert(1)',
        'JavaScript:alert(1)',
        ' javascript:alert(1)',
        'data:text/html,<script>alert(1)</script>',
        'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
        'vbscript:msgbox(1)',
        'file:///etc/passwd',
        '//evil.example/x',
        'https://',
        'not a url',
      ]) {
        await expectFieldRefused({ link }, 'link');
      }
      for (const link of ['https://example.com/a?b=c#d', 'http://example.com']) {
        expect((await kinds().create(undefined, { link })).statusCode).toBe(201);
      }
    });

    it('select, number and pattern limits are enforced', async () => {
      for (const status of ['archived', 'DRAFT', 'draft ', 1]) await expectFieldRefused({ status }, 'status');
      for (const stars of [0, 6, 5.0001, '3', Number.NaN]) await expectFieldRefused({ stars }, 'stars');
      for (const code of ['abc-123', 'ABC-1234', 'ABC123', 'xABC-123']) await expectFieldRefused({ code }, 'code');
      const ok = await kinds().create(undefined, { status: 'draft', stars: 5, code: 'ABC-123' });
      expect(ok.statusCode, ok.body).toBe(201);
      const updated = await kinds().update(undefined, ok.json().id, { stars: 0 });
      expectProblem(updated, 400);
      expect(errorFields(updated)).toEqual(['stars']);
    });

    it('refuses, when the collection is defined, a pattern RE2 cannot run or whose cost has no bound', async () => {
      for (const pattern of ['^(?=a)b$', '^(a)\\1$', '(?<=a)b', 'a{1001}', '[']) {
        const response = await adminApi(app).create(admin.headers, {
          name: 'redos',
          fields: [{ name: 'code', type: 'text', pattern }],
        });
        expectProblem(response, 400, 'COLL_INVALID');
        expect(response.json().errors, pattern).toEqual([
          expect.objectContaining({
            field: 'fields.0.pattern',
            code: 'invalid',
            message: expect.stringContaining('"code"'),
          }),
        ]);
      }
      // Linear, but a thousand-fold repeat over 10,000-character values is too much work a record.
      const costly = { name: 'code', type: 'text', pattern: '^(\\p{L}|\\p{N}|[a-z]){1,1000}$' };
      const refused = await adminApi(app).create(admin.headers, { name: 'redos', fields: [costly] });
      expectProblem(refused, 400, 'COLL_INVALID');
      expect(refused.json().errors).toEqual([
        expect.objectContaining({ field: 'fields.0.pattern', code: 'too_costly' }),
      ]);
      // Shorter values bring the same pattern within bounds; nested quantifiers are no threat to RE2.
      await createCollection(app, admin, {
        name: 'redos',
        fields: [
          { ...costly, max: 100 },
          { name: 'nested', type: 'text', pattern: '^(a+)+$' },
        ],
        rules: { create: '' },
      });
      const answered = await recordsApi(app, 'redos').create(undefined, { nested: `${'a'.repeat(24)}!` });
      expectProblem(answered, 400);
      expect(errorFields(answered)).toEqual(['nested']);
    });

    it('a relation to a record that does not exist is 400', async () => {
      await expectFieldRefused({ author: '00000000-0000-4000-8000-000000000000' }, 'author');
      await expectFieldRefused({ author: "' OR '1'='1" }, 'author');
      expect((await kinds().create(undefined, { author: alice.id })).statusCode).toBe(201);
    });

    it('a unique value taken by another record is 409 REC_CONFLICT, on create and update', async () => {
      await createCollection(app, admin, {
        name: 'slugs',
        fields: [{ name: 'slug', type: 'text', unique: true }],
        rules: { create: '', update: '' },
      });
      const slugs = recordsApi(app, 'slugs');
      const slug = marker('slug');
      const first = await createRecord(app, 'slugs', undefined, { slug });
      expectProblem(await slugs.create(undefined, { slug }), 409, 'REC_CONFLICT');
      const second = await createRecord(app, 'slugs', undefined, { slug: `${slug}-2` });
      const taken = await slugs.update(undefined, second.id, { slug });
      expectProblem(taken, 409, 'REC_CONFLICT');
      expect(taken.body).not.toMatch(/c_slugs|constraint|UNIQUE/i);
      expect((await rawRow(app, 'c_slugs', second.id))?.slug).toBe(`${slug}-2`);
      expect((await slugs.update(undefined, first.id, { slug })).statusCode).toBe(200);
    });

    it('an optional unique field may be left empty by many records', async () => {
      await createCollection(app, admin, {
        name: 'handles',
        fields: [
          { name: 'title', type: 'text' },
          { name: 'handle', type: 'text', unique: true },
        ],
        rules: { create: '' },
      });
      expect((await recordsApi(app, 'handles').create(undefined, { title: 'one' })).statusCode).toBe(201);
      const second = await recordsApi(app, 'handles').create(undefined, { title: 'two' });
      expect(second.statusCode, second.body).toBe(201);
    });
  });
});
