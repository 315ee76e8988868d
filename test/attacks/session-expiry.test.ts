import { describe, expect, it } from 'vitest';
import { me, newSignedInUser } from '../helpers/auth-client.js';
import { minutes, sessionsClient } from '../helpers/session-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * Sessions kept alive past their limits: one idle longer than the idle timeout, or past its
 * absolute lifetime however active, is refused and deleted (OWASP ASVS 5.0 V7.3.1, V7.3.2).
 */

const app = useTestApp();
const { currentSessionId, sessionRow } = sessionsClient(app);

describe('expiry', () => {
  it('refuses and deletes a session idle longer than the idle timeout', async () => {
    const session = await newSignedInUser(app, 'idle');
    const id = await currentSessionId(session);
    const idleMs = app.config.auth.sessionIdleTimeoutSeconds * 1000;

    // Control: idle for a while but within the timeout still works.
    const recent = Date.now() - idleMs + minutes(2);
    await app.database.db.updateTable('sessions').set({ last_seen_ms: recent }).where('id', '=', id).execute();
    expect((await me(app, session.token)).statusCode).toBe(200);

    await app.database.db
      .updateTable('sessions')
      .set({ last_seen_ms: Date.now() - idleMs - minutes(1) })
      .where('id', '=', id)
      .execute();
    expect((await me(app, session.token)).statusCode).toBe(401);
    expect(await sessionRow(id)).toBeUndefined();
  });

  it('refuses and deletes a session past its absolute lifetime, however active', async () => {
    const session = await newSignedInUser(app, 'absolute');
    const id = await currentSessionId(session);
    const now = Date.now();
    const lifetimeMs = app.config.auth.sessionAbsoluteLifetimeSeconds * 1000;
    await app.database.db
      .updateTable('sessions')
      .set({ created_ms: now - lifetimeMs - minutes(1), expires_ms: now - minutes(1), last_seen_ms: now })
      .where('id', '=', id)
      .execute();
    expect((await me(app, session.token)).statusCode).toBe(401);
    expect(await sessionRow(id)).toBeUndefined();
  });
});
