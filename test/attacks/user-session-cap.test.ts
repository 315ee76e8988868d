import { describe, expect, it } from 'vitest';
import { issueTokens } from '../helpers/auth-client.js';
import { bearer, newAdmin, newUser, PASSWORD } from '../helpers/collections-client.js';
import { createTestApp } from '../helpers/test-app.js';
import { expectOk } from '../helpers/user-admin-client.js';

/**
 * Piling up sessions on one account: beyond the per-user cap a new sign-in ends the least
 * recently used one, and sign-ins still owing a second factor never push out full ones
 * (OWASP ASVS 5.0 V7.1.2).
 */

describe('per-user session cap', () => {
  it('a new sign-in beyond the cap ends the least recently used one', async () => {
    const capped = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUTH_MAX_SESSIONS_PER_USER: '3' } });
    try {
      const user = await newUser(capped, 'capped');
      const tokens = [user.accessToken];
      for (let i = 0; i < 3; i++) {
        // Distinct sign-in times, so "oldest" is well defined.
        await new Promise((resolve) => setTimeout(resolve, 5));
        tokens.push((await issueTokens(capped, user.email)).accessToken);
      }
      const statuses = [];
      for (const token of tokens) {
        statuses.push((await capped.http.inject({ url: '/api/auth/me', headers: bearer(token) })).statusCode);
      }
      expect(statuses).toEqual([401, 200, 200, 200]);
      const count = await capped.database.db
        .selectFrom('sessions')
        .where('user_id', '=', user.id)
        .selectAll()
        .execute();
      expect(count).toHaveLength(3);
    } finally {
      await capped.close();
    }
  });

  it('sign-ins still owing a second factor do not push out full ones', async () => {
    const capped = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUTH_MAX_SESSIONS_PER_USER: '2' } });
    try {
      const boss = await newAdmin(capped);
      for (let i = 0; i < 4; i++) {
        // The password alone: a sign-in that owes its second factor.
        const pending = await capped.http.inject({
          method: 'POST',
          url: '/api/auth/token',
          payload: { email: boss.email, password: PASSWORD },
        });
        expect(pending.json().mfaRequired).toBe(true);
      }
      expectOk(await capped.http.inject({ url: '/api/auth/me', headers: boss.headers }));
      const rows = await capped.database.db
        .selectFrom('sessions')
        .select(['stage'])
        .where('user_id', '=', boss.id)
        .execute();
      expect(rows.filter((row) => row.stage === 'full')).toHaveLength(1);
      expect(rows.filter((row) => row.stage !== 'full')).toHaveLength(2);
    } finally {
      await capped.close();
    }
  });
});
