import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Identifiers in rules and filters are looked up by name in the collection's schema. Looked up
 * in a plain object, `owner.constructor` finds `Object.prototype.constructor` instead of "no
 * such field": the rule is accepted, and every query built from it fails in the database
 * (500 on every list). Each JavaScript prototype name, in each identifier position, must be an
 * unknown name: refused when the administrator saves the rule, refused (400) in a client filter.
 */

const PROTOTYPE_NAMES = [
  'constructor',
  '__proto__',
  'toString',
  'toLocaleString',
  'hasOwnProperty',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'valueOf',
  '__defineGetter__',
  '__lookupGetter__',
];

/** Every place a name is resolved: own fields, relation paths (users and a collection), @request. */
const POSITIONS = (name: string): string[] => [
  `${name} = ""`,
  `${name}.id = ""`,
  `owner.${name} = ""`,
  `author.${name} = ""`,
  `@request.auth.${name} = ""`,
  `@request.body.${name} = ""`,
  `@request.body.${name}:isset = false`,
  `@request.${name} = ""`,
  `@request.${name}.id = ""`,
];

function expectRuleRefused(response: LightMyRequestResponse, rule: string): void {
  expect(response.statusCode, `${rule}: ${response.body}`).toBe(400);
  expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
  const errors = (response.json().errors ?? []) as Array<{ field: string; code: string }>;
  expect(errors, rule).toContainEqual(
    expect.objectContaining({ field: 'rules.list', code: expect.stringMatching(/^RULE_/) }),
  );
}

describe('rule identifiers never reach JavaScript prototypes', () => {
  let admin: Account;
  let user: Account;
  let authors: string;
  let notes: string;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app, 'proto');
    authors = uniqueName('authors');
    notes = uniqueName('notes');
    await createCollection(app, admin, {
      name: authors,
      fields: [{ name: 'name', type: 'text' }],
      rules: { list: '', view: '' },
    });
    await createCollection(app, admin, {
      name: notes,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'author', type: 'relation', collection: authors },
        { name: 'title', type: 'text' },
      ],
      rules: { list: '', view: '', create: '' },
    });
    await createRecord(app, notes, user.headers, { owner: user.id, title: 'kept' });
  });

  it.each(PROTOTYPE_NAMES)('a new collection whose rule names %s is refused with a RULE_* 400', async (name) => {
    for (const rule of POSITIONS(name)) {
      const response = await adminApi(app).create(admin.headers, {
        name: uniqueName('p'),
        fields: [
          { name: 'owner', type: 'relation', collection: 'users' },
          { name: 'author', type: 'relation', collection: authors },
        ],
        rules: { list: rule },
      });
      expectRuleRefused(response, rule);
    }
  });

  it.each(PROTOTYPE_NAMES)('changing a rule to name %s is refused, and lists keep working', async (name) => {
    for (const rule of POSITIONS(name)) {
      expectRuleRefused(await adminApi(app).patch(admin.headers, notes, { rules: { list: rule } }), rule);
      const list = await recordsApi(app, notes).list(user.headers);
      expect(list.statusCode, `${rule}: ${list.body}`).toBe(200);
      expect(list.json().items.map((item: { title: string }) => item.title)).toEqual(['kept']);
    }
  });

  it.each(PROTOTYPE_NAMES)('a client filter or sort naming %s is a 400, never a 500', async (name) => {
    for (const filter of POSITIONS(name)) {
      const response = await recordsApi(app, notes).list(user.headers, { filter });
      expect(response.statusCode, `${filter}: ${response.body}`).toBe(400);
      expect(response.json().code).toMatch(/^RULE_/);
    }
    for (const sort of [name, `-${name}`, `owner.${name}`, `author.${name}`]) {
      const response = await recordsApi(app, notes).list(user.headers, { sort });
      expect(response.statusCode, `${sort}: ${response.body}`).toBe(400);
      expect(response.json().code).toMatch(/^RULE_/);
    }
  });

  it('a field named "constructor" reads as its own value, absent from a body or not', async () => {
    const name = uniqueName('ctor');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'constructor', type: 'text' },
        { name: 'title', type: 'text' },
      ],
      rules: {
        list: 'owner = @request.auth.id && constructor = ""',
        view: 'owner = @request.auth.id',
        create: 'owner = @request.auth.id && @request.body.constructor = "" && constructor = ""',
        update: 'owner = @request.auth.id && @request.body.constructor = ""',
      },
    });
    const api = recordsApi(app, name);
    const created = await createRecord(app, name, user.headers, { owner: user.id, title: 'a' });
    const updated = await api.update(user.headers, created.id, { title: 'b' });
    expect(updated.statusCode, updated.body).toBe(200);
    const refused = await api.update(user.headers, created.id, { constructor: 'x' });
    expect(refused.statusCode, refused.body).toBe(404);
    const list = await api.list(user.headers, { filter: 'constructor = ""' });
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().items).toEqual([expect.objectContaining({ id: created.id, title: 'b', constructor: '' })]);
  });

  it('a required field named "constructor" left out of a new record is missing (400), not a prototype value', async () => {
    const name = uniqueName('ctorreq');
    await createCollection(app, admin, {
      name,
      fields: [{ name: 'constructor', type: 'text', required: true }],
      rules: { create: '' },
    });
    const refused = await recordsApi(app, name).create(user.headers, {});
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'constructor', code: 'required' })]);
  });
});
