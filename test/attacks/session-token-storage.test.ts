import { describe, expect, it } from 'vitest';
import { issueTokens, newSignedInUser } from '../helpers/auth-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Session and bearer tokens read from the database: they are stored only as hashes
 * (OWASP ASVS 5.0 V7.2.3).
 */

const app = useTestApp();

describe('session storage', () => {
  it('stores session and bearer tokens only as hashes', async () => {
    const session = await newSignedInUser(app, 'hashed');
    const { accessToken, refreshToken } = await issueTokens(app, session.user.email);
    const db = app.database.db;
    const rows = {
      sessions: await db.selectFrom('sessions').selectAll().execute(),
      access_tokens: await db.selectFrom('access_tokens').selectAll().execute(),
      refresh_tokens: await db.selectFrom('refresh_tokens').selectAll().execute(),
    };
    expect(rows.sessions.length).toBeGreaterThan(0);
    expect(rows.access_tokens.length).toBeGreaterThan(0);
    const dump = JSON.stringify(rows);
    for (const [name, secret] of Object.entries({ cookie: session.token, accessToken, refreshToken })) {
      expect(dump, `${name} stored in clear`).not.toContain(secret);
      // Nor the random part alone, should a prefix be stripped before storing.
      expect(dump, `${name} body stored in clear`).not.toContain(secret.slice(-24));
    }
  });
});
