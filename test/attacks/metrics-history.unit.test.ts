import { describe, expect, it } from 'vitest';
import { OTHER_PASSWORD, PASSWORD } from '../helpers/auth-client.js';
import {
  createCollection,
  newAdmin,
  newUser,
  recordsApi,
  uniqueEmail,
  uniqueName,
} from '../helpers/collections-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * `GET /api/admin/metrics`, the dashboard's charts: administrators only, and its totals and the
 * minute under way move by exactly the sign-ins, denials and bans that happened through the API.
 * Named `*.unit.test.ts`: the history is in memory, nothing depends on the database dialect.
 */
const LIMIT = 3;

interface Counts {
  signIns: { success: number; failure: number; throttled: number; secondFactorRequired: number };
  denials: { rules: number; csrf: number; rateLimit: number };
  bansIssued: number;
  requests: number;
}
interface History {
  startedAt: string;
  intervalSeconds: number;
  totals: Counts;
  samples: Array<Counts & { time: string; latencyMs: { mean: number | null; p95: number | null } }>;
}

describe('the metrics history for the dashboard', () => {
  const app = useTestApp({
    env: { BULWARK_TRUSTED_PROXIES: '127.0.0.1', BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(LIMIT) },
  });
  const read = (headers?: Record<string, string>) =>
    app.http.inject({ method: 'GET', url: '/api/admin/metrics', ...(headers ? { headers } : {}) });
  const signIn = (email: string, password: string, address: string) =>
    app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: { 'x-forwarded-for': address },
      payload: { email, password },
    });

  it('answers administrators only: 401 for a guest, 403 for a user', async () => {
    expect((await read()).statusCode).toBe(401);
    const user = await newUser(app);
    const refused = await read(user.headers);
    expect(refused.statusCode).toBe(403);
    expect(refused.headers['content-type']).toContain('application/problem+json');
  });

  it('moves by the sign-ins, rule denials and bans that happened, in the totals and the minute under way', async () => {
    const admin = await newAdmin(app);
    const notes = uniqueName('notes');
    await createCollection(app, admin, {
      name: notes,
      fields: [{ name: 'title', type: 'text' }],
      rules: { list: '', view: '', create: null, update: null, delete: null },
    });
    const user = await newUser(app, 'member');
    await app.audit.flush();
    const before = (await read(admin.headers)).json() as History;

    expect((await signIn(user.email, OTHER_PASSWORD, '198.51.100.7')).statusCode).toBe(401);
    expect((await signIn(user.email, PASSWORD, '198.51.100.7')).statusCode).toBe(200);
    // A create the rule keeps to administrators.
    expect((await recordsApi(app, notes).create(user.headers, { title: 'no' })).statusCode).toBe(403);
    // One address failing LIMIT times is banned.
    for (let i = 0; i < LIMIT; i++) {
      expect((await signIn(uniqueEmail('guess'), OTHER_PASSWORD, '203.0.113.5')).statusCode).toBe(401);
    }
    await app.audit.flush();

    const response = await read(admin.headers);
    expect(response.statusCode).toBe(200);
    const after = response.json() as History;
    expect(after.startedAt).toBe(before.startedAt);
    expect(after.intervalSeconds).toBe(60);
    const moved = {
      success: after.totals.signIns.success - before.totals.signIns.success,
      failure: after.totals.signIns.failure - before.totals.signIns.failure,
      rules: after.totals.denials.rules - before.totals.denials.rules,
      bans: after.totals.bansIssued - before.totals.bansIssued,
    };
    expect(moved).toEqual({ success: 1, failure: 1 + LIMIT, rules: 1, bans: 1 });
    expect(after.totals.requests).toBeGreaterThan(before.totals.requests);

    // The last sample is the minute under way: it holds at least what just happened.
    const current = after.samples.at(-1);
    const earlier = before.samples.at(-1);
    expect(current?.signIns.failure).toBeGreaterThanOrEqual(1 + LIMIT);
    expect(current?.bansIssued).toBeGreaterThanOrEqual(1);
    expect(current?.latencyMs.mean).toBeGreaterThan(0);
    expect(current?.latencyMs.p95).toBeGreaterThan(0);
    expect(Date.parse(current?.time ?? '')).toBeGreaterThan(Date.parse(earlier?.time ?? ''));
  });
});
