import { describe, expect, it } from 'vitest';
import { expectProblem, newAdmin, newApiKey, newUser } from '../helpers/collections-client.js';
import { createTestApp, type TestApp, useTestApp } from '../helpers/test-app.js';
import { adminApi, expectOk } from '../helpers/user-admin-client.js';

/**
 * Locking everyone out by removing the last administrator: nobody changes themselves, and two
 * administrators removing each other at once leave one (OWASP ASVS 5.0 V8.2.1).
 */

const app = useTestApp({ logLevel: 'silent' });

describe('the last administrator', () => {
  it('an administrator cannot disable, demote or delete themselves', async () => {
    const self = await newAdmin(app);
    expectProblem(await adminApi(app).patch(self.headers, self.id, { role: 'user' }), 409, 'ADMIN_SELF_CHANGE');
    expectProblem(await adminApi(app).patch(self.headers, self.id, { disabled: true }), 409, 'ADMIN_SELF_CHANGE');
    expectProblem(await adminApi(app).remove(self.headers, self.id), 409, 'ADMIN_SELF_CHANGE');
    const key = await newApiKey(app, self, ['admin']);
    expectProblem(await adminApi(app).patch(key, self.id, { role: 'user' }), 409, 'ADMIN_SELF_CHANGE');
    // Harmless self-changes pass.
    expectOk(await adminApi(app).patch(self.headers, self.id, { role: 'admin', disabled: false }));
    expectOk(await app.http.inject({ url: '/api/auth/me', headers: self.headers }));
  });

  it('two administrators removing each other at once leave one; the repository refuses the last', async () => {
    const alone = await createTestApp({ logLevel: 'silent' });
    try {
      const a = await newAdmin(alone);
      const b = await newAdmin(alone);
      const [ab, ba] = await Promise.all([
        adminApi(alone).patch(a.headers, b.id, { disabled: true }),
        adminApi(alone).patch(b.headers, a.id, { role: 'user' }),
      ]);
      const statuses = [ab.statusCode, ba.statusCode];
      expect(
        statuses.filter((status) => status === 200),
        `${ab.body} ${ba.body}`,
      ).toHaveLength(1);
      expect(statuses.every((status) => [200, 401, 403, 409].includes(status))).toBe(true);
      expect(await activeAdmins(alone)).toBe(1);

      const [survivor] = await alone.database.db
        .selectFrom('users')
        .select('id')
        .where('role', '=', 'admin')
        .where('disabled', '=', 0)
        .execute();
      const id = survivor?.id as string;
      for (const change of [{ role: 'user' as const }, { disabled: true }, 'delete' as const]) {
        expect(await alone.auth.accounts.users.applyAdminChange(id, change, Date.now())).toEqual({
          ok: false,
          reason: 'last-admin',
        });
      }
      expect(await activeAdmins(alone)).toBe(1);

      // The same race without HTTP in between, many times: two active administrators, each
      // change removing one of them at the same moment; exactly one change passes each time.
      const users = alone.auth.accounts.users;
      let current = id;
      for (let round = 0; round < 10; round++) {
        const other = await newUser(alone, `promoted${round}`);
        expect((await users.applyAdminChange(other.id, { role: 'admin' }, Date.now())).ok).toBe(true);
        const [first, second] = round % 2 === 0 ? [current, other.id] : [other.id, current];
        const results = await Promise.all([
          users.applyAdminChange(first, { role: 'user' }, Date.now()),
          users.applyAdminChange(second, round % 3 === 0 ? 'delete' : { disabled: true }, Date.now()),
        ]);
        expect(results.filter((result) => result.ok)).toHaveLength(1);
        expect(results.filter((result) => !result.ok)).toEqual([{ ok: false, reason: 'last-admin' }]);
        const remaining = await alone.database.db
          .selectFrom('users')
          .select('id')
          .where('role', '=', 'admin')
          .where('disabled', '=', 0)
          .execute();
        expect(remaining).toHaveLength(1);
        current = remaining[0]?.id as string;
      }
    } finally {
      await alone.close();
    }
  });
});

async function activeAdmins(target: TestApp): Promise<number> {
  const rows = await target.database.db
    .selectFrom('users')
    .select('id')
    .where('role', '=', 'admin')
    .where('disabled', '=', 0)
    .execute();
  return rows.length;
}
