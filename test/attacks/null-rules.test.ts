import type { LightMyRequestResponse } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  createRecord,
  newAdmin,
  newUser,
  type Rules,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * The contract: a rule that is `null` or absent lets administrators only; `""` lets anyone.
 * The HTTP validator once coerced types, which turned an explicit JSON `null` into `""`: a
 * collection meant for administrators was then open to guests for that action.
 */
const ACTIONS = ['list', 'view', 'create', 'update', 'delete'] as const;
type Action = (typeof ACTIONS)[number];
const VARIANTS = [
  { name: 'null', value: null, stored: null, isOpen: false },
  { name: 'absent', value: undefined, stored: null, isOpen: false },
  { name: '""', value: '', stored: '', isOpen: true },
] as const;

/** Every action open (`""`) except `action`, which takes `value` (or is left out). */
function rulesWith(action: Action, value: string | null | undefined): Rules {
  const rules: Rules = Object.fromEntries(ACTIONS.map((a) => [a, '']));
  if (value === undefined) delete rules[action];
  else rules[action] = value;
  return rules;
}

describe('null, absent and empty rules', () => {
  let admin: Account;
  let user: Account;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app, 'rules');
  });

  /** What `headers` (undefined: a guest) gets for `action` on a fresh record of `collection`. */
  async function attempt(collection: string, action: Action, headers: Record<string, string> | undefined) {
    const api = recordsApi(app, collection);
    const record = await createRecord(app, collection, admin.headers, { title: 'by admin' });
    const calls: Record<Action, () => Promise<LightMyRequestResponse>> = {
      list: () => api.list(headers),
      view: () => api.view(headers, record.id),
      create: () => api.create(headers, { title: 'by caller' }),
      update: () => api.update(headers, record.id, { title: 'changed by caller' }),
      delete: () => api.remove(headers, record.id),
    };
    return calls[action]();
  }

  const OPEN_STATUS: Record<Action, number> = { list: 200, view: 200, create: 201, update: 200, delete: 204 };
  const CLOSED_STATUS: Record<Action, number> = { list: 403, view: 404, create: 403, update: 404, delete: 404 };

  async function expectAccess(collection: string, action: Action, isOpen: boolean) {
    for (const [who, headers] of [
      ['guest', undefined],
      ['user', user.headers],
    ] as const) {
      const response = await attempt(collection, action, headers);
      const expected = isOpen ? OPEN_STATUS[action] : CLOSED_STATUS[action];
      expect(response.statusCode, `${who} ${action}: ${response.body}`).toBe(expected);
    }
  }

  for (const action of ACTIONS) {
    for (const variant of VARIANTS) {
      it(`a ${action} rule given as ${variant.name} is stored as ${JSON.stringify(variant.stored)} and ${variant.isOpen ? 'lets anyone' : 'lets administrators only'} ${action}`, async () => {
        const name = uniqueName(`r_${action}`);
        const created = await adminApi(app).create(admin.headers, {
          name,
          fields: [{ name: 'title', type: 'text' }],
          rules: rulesWith(action, variant.value),
        });
        expect(created.statusCode, created.body).toBe(201);
        expect(created.json().rules[action]).toBe(variant.stored);
        const stored = await adminApi(app).get(admin.headers, name);
        expect(stored.json().rules[action]).toBe(variant.stored);
        await expectAccess(name, action, variant.isOpen);
      });
    }

    it(`PATCH with a null ${action} rule closes an open collection to everyone but administrators`, async () => {
      const name = uniqueName(`p_${action}`);
      const created = await adminApi(app).create(admin.headers, {
        name,
        fields: [{ name: 'title', type: 'text' }],
        rules: rulesWith(action, ''),
      });
      expect(created.statusCode, created.body).toBe(201);
      await expectAccess(name, action, true);
      const patched = await adminApi(app).patch(admin.headers, name, { rules: { ...rulesWith(action, null) } });
      expect(patched.statusCode, patched.body).toBe(200);
      expect(patched.json().rules[action]).toBeNull();
      expect((await adminApi(app).get(admin.headers, name)).json().rules[action]).toBeNull();
      await expectAccess(name, action, false);
    });
  }

  it('the reported attack: {update: null, delete: null} keeps guests from editing and deleting', async () => {
    const name = uniqueName('reported');
    const created = await adminApi(app).create(admin.headers, {
      name,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: '', view: '', create: '', update: null, delete: null },
    });
    expect(created.json().rules).toEqual({ list: '', view: '', create: '', update: null, delete: null });
    await expectAccess(name, 'update', false);
    await expectAccess(name, 'delete', false);
  });
});
