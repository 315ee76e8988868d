import { describe, expect, it } from 'vitest';
import { cookieFor, issueTokens, sessionTokenFrom, signIn, uniqueEmail } from '../helpers/auth-client.js';
import { bearer, expectProblem, newAdmin, newUser, PASSWORD } from '../helpers/collections-client.js';
import { enrolTotp, injectSend } from '../helpers/mfa-client.js';
import { createTestApp } from '../helpers/test-app.js';
import {
  ALL_DEAD,
  adminApi,
  auditOf,
  credentialsOf,
  expectOk,
  statusesOf,
  useAdminApp,
} from '../helpers/user-admin-client.js';

/**
 * Administrators ending one user's sessions or everyone's: the credentials die at once, the
 * caller's own included, and a browser administrator's cookie is cleared (OWASP ASVS 5.0 V7.4.5).
 */

const { app, admin } = useAdminApp();

describe("one user's sessions", () => {
  it('lists them without secrets and ends them all, with the user’s API keys', async () => {
    const user = await newUser(app, 'sessions');
    const credentials = await credentialsOf(app, user);
    const listed = await adminApi(app).sessions(admin.headers, user.id);
    expectOk(listed);
    const items = listed.json().items as Array<Record<string, unknown>>;
    expect(items.map((item) => item.kind).sort()).toEqual(['bearer', 'bearer', 'cookie']);
    expect(Object.keys(items[0] ?? {}).sort()).toEqual(
      ['created', 'expires', 'id', 'ip', 'kind', 'lastSeen', 'userAgent'].sort(),
    );
    expect(listed.body).not.toContain(credentials.cookie);

    expectOk(await adminApi(app).endSessions(admin.headers, user.id), 204);
    expect(await statusesOf(app, credentials)).toEqual(ALL_DEAD);
    expect((await adminApi(app).sessions(admin.headers, user.id)).json().items).toEqual([]);
    expectProblem(await adminApi(app).endSessions(admin.headers, 'nobody'), 404, 'ADMIN_USER_NOT_FOUND');
    // The user can sign in again: revoking is not disabling.
    await issueTokens(app, user.email);
    const [event] = (await auditOf(app, 'admin.user.sessions.revoke')).filter((e) => e.details.userId === user.id);
    expect(event).toEqual({
      actor: admin.id,
      details: { userId: user.id, email: user.email, sessionsEnded: 3, keysRevoked: 1 },
    });
  });
});

describe('DELETE /api/admin/sessions', () => {
  it("ends everyone's sessions and token families, the caller's own included", async () => {
    const incident = await createTestApp({ logLevel: 'silent' });
    try {
      const boss = await newAdmin(incident);
      const users = [await newUser(incident, 'a'), await newUser(incident, 'b')];
      const credentials = await Promise.all(users.map((user) => credentialsOf(incident, user)));
      const browserAdmin = await signIn(incident, boss.email);
      expect(browserAdmin).toBeTruthy();

      // Before: what would end, for administrators only, as the table holds it.
      const live = await incident.database.db.selectFrom('sessions').select(['user_id']).execute();
      const summary = await adminApi(incident).sessionsSummary(boss.headers);
      expectOk(summary);
      expect(summary.json()).toEqual({ sessions: live.length, users: new Set(live.map((row) => row.user_id)).size });
      expect(summary.json().users).toBe(3);
      expectProblem(await adminApi(incident).sessionsSummary(users[0]?.headers), 403);
      expectProblem(await adminApi(incident).sessionsSummary(undefined), 401);

      expectOk(await adminApi(incident).endEveryone(boss.headers), 204);
      for (const each of credentials) {
        // API keys are not sessions: they stay until revoked per user or by disabling.
        expect(await statusesOf(incident, each)).toEqual({ ...ALL_DEAD, apiKey: 200 });
      }
      expectProblem(await adminApi(incident).list(boss.headers), 401, 'AUTH_INVALID_TOKEN');
      expect(await incident.database.db.selectFrom('sessions').selectAll().execute()).toEqual([]);
      expect(await incident.database.db.selectFrom('access_tokens').selectAll().execute()).toEqual([]);
      expect(await incident.database.db.selectFrom('refresh_tokens').selectAll().execute()).toEqual([]);
      const [event] = await auditOf(incident, 'admin.sessions.revoke_all');
      expect(event?.actor).toBe(boss.id);
      expect(event?.details.sessionsEnded).toBeGreaterThanOrEqual(7);
    } finally {
      await incident.close();
    }
  });

  it('a browser administrator gets its cookie cleared', async () => {
    const incident = await createTestApp({ logLevel: 'silent' });
    try {
      // An administrator enrolled with a bearer sign-in, then signed in with a browser session:
      // password, then the second factor (a recovery code), as a person would.
      const email = uniqueEmail('browser-admin');
      await incident.auth.accounts.createAdmin(email, PASSWORD);
      const enrolOnly = (await issueTokens(incident, email)).accessToken;
      const send = injectSend(incident);
      const { recoveryCodes } = await enrolTotp(send, bearer(enrolOnly));
      const password = await incident.http.inject({
        method: 'POST',
        url: '/api/auth/login',
        payload: { email, password: PASSWORD },
      });
      const pending = sessionTokenFrom(password) as string;
      const pendingCsrf = (
        await incident.http.inject({ url: '/api/auth/csrf', headers: { cookie: cookieFor(pending) } })
      ).json().token as string;
      const verified = await incident.http.inject({
        method: 'POST',
        url: '/api/auth/mfa/verify',
        headers: { cookie: cookieFor(pending), 'x-csrf-token': pendingCsrf },
        payload: { code: recoveryCodes[0] },
      });
      expectOk(verified);
      const token = sessionTokenFrom(verified) as string;
      const csrf = (await incident.http.inject({ url: '/api/auth/csrf', headers: { cookie: cookieFor(token) } })).json()
        .token as string;
      const ended = await adminApi(incident).endEveryone({ cookie: cookieFor(token), 'x-csrf-token': csrf });
      expectOk(ended, 204);
      expect(String(ended.headers['set-cookie'])).toMatch(/__Host-bulwark_session=;.*Expires=Thu, 01 Jan 1970/);
      expect(
        (await incident.http.inject({ url: '/api/auth/me', headers: { cookie: cookieFor(token) } })).statusCode,
      ).toBe(401);
    } finally {
      await incident.close();
    }
  });
});
