import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { cookieFor, login, OTHER_PASSWORD, PASSWORD, sessionTokenFrom, uniqueEmail } from '../helpers/auth-client.js';
import {
  auditEntries,
  createCollection,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { moved, type Scrape, scrape } from '../helpers/metrics-scrape.js';
import { freshTotpCode } from '../helpers/mfa-client.js';
import { useTestApp } from '../helpers/test-app.js';

/**
 * A scripted attack through the app, scraped before and after each step: every series moves by
 * exactly what happened (failed sign-ins from several addresses, an account throttle, a ban,
 * denied reads past the audit log's thinning, a rule denial, a CSRF refusal), and no label ever
 * carries an email, a user id or an address.
 */

const TOKEN = randomBytes(24).toString('base64url');
const LIMIT = 3;

describe('metrics under a scripted attack', () => {
  /** Every email, user id and address used: none may appear in a scrape. */
  const secrets = new Set<string>([TOKEN]);
  const from = (address: string) => {
    secrets.add(address);
    return { 'x-forwarded-for': address };
  };
  const signIn = (email: string, password: string, address: string, code?: string) => {
    secrets.add(email);
    return app.http.inject({
      method: 'POST',
      url: '/api/auth/token',
      headers: from(address),
      payload: { email, password, ...(code ? { code } : {}) },
    });
  };
  const step = async (act: () => Promise<void>) => {
    const before = await scrape(app, TOKEN);
    await act();
    await app.audit.flush();
    return moved(before, await scrape(app, TOKEN));
  };

  const app = useTestApp({
    env: {
      BULWARK_METRICS_TOKEN: TOKEN,
      BULWARK_TRUSTED_PROXIES: '127.0.0.1',
      BULWARK_ABUSE_BAN_FAILURE_LIMIT: String(LIMIT),
      BULWARK_ABUSE_ACCOUNT_FAILURE_LIMIT: String(LIMIT),
    },
  });

  it('counts failed sign-ins from several addresses, the account throttle and the throttled attempt', async () => {
    const victim = await newUser(app, 'victim');
    secrets.add(victim.id);
    const delta = await step(async () => {
      for (const address of ['198.51.100.1', '198.51.100.2', '198.51.100.3']) {
        expect((await signIn(victim.email, OTHER_PASSWORD, address)).statusCode).toBe(401);
      }
      // Throttled now: even the right password is refused.
      const throttled = await signIn(victim.email, PASSWORD, '198.51.100.4');
      expect(throttled.json().code).toBe('ABUSE_ACCOUNT_THROTTLED');
    });
    expect(delta('bulwark_sign_ins_total', { outcome: 'failure', method: 'password' })).toBe(3);
    expect(delta('bulwark_sign_ins_total', { outcome: 'throttled', method: 'password' })).toBe(1);
    expect(delta('bulwark_sign_ins_total', { outcome: 'success', method: 'password' })).toBe(0);
    expect(delta('bulwark_account_throttles_total')).toBe(1);
    expect(delta('bulwark_sign_in_failure_accounts')).toBe(1);
    expect(delta('bulwark_sign_in_failure_addresses')).toBe(3);
    expect(delta('bulwark_bans_issued_total')).toBe(0);
    expect(
      delta('bulwark_http_requests_total', { method: 'POST', route: '/api/auth/token', status_class: '4xx' }),
    ).toBe(4);
  });

  it('counts a ban and the bans in force, and the distinct accounts the attacker tried', async () => {
    const attacker = '203.0.113.9';
    const delta = await step(async () => {
      for (let i = 0; i < LIMIT; i++) {
        expect((await signIn(uniqueEmail('guess'), OTHER_PASSWORD, attacker)).statusCode).toBe(401);
      }
      const banned = await app.http.inject({ url: '/api/health', headers: from(attacker) });
      expect(banned.json().code).toBe('ABUSE_BANNED');
    });
    expect(delta('bulwark_sign_ins_total', { outcome: 'failure', method: 'password' })).toBe(LIMIT);
    expect(delta('bulwark_bans_issued_total')).toBe(1);
    expect(delta('bulwark_bans_active')).toBe(1);
    expect(delta('bulwark_sign_in_failure_accounts')).toBe(LIMIT);
    expect(delta('bulwark_sign_in_failure_addresses')).toBe(1);
    expect(delta('bulwark_http_requests_total', { method: 'GET', route: '/api/health', status_class: '4xx' })).toBe(1);
  });

  it('counts sign-ins that succeed, owe a second factor, and second-factor failures', async () => {
    const admin = await newAdmin(app);
    secrets.add(admin.id).add(admin.email);
    const delta = await step(async () => {
      expect((await signIn(admin.email, PASSWORD, '192.0.2.10')).statusCode).toBe(200);
      const wrongCode = freshTotpCode(admin.totpSecret, new Set()) === '000000' ? '111111' : '000000';
      expect((await signIn(admin.email, PASSWORD, '192.0.2.10', wrongCode)).json().code).toBe('AUTH_INVALID_CODE');
      const user = await newUser(app, 'fine');
      secrets.add(user.id).add(user.email);
    });
    expect(delta('bulwark_sign_ins_total', { outcome: 'second_factor_required', method: 'password' })).toBe(1);
    expect(delta('bulwark_sign_ins_total', { outcome: 'success', method: 'password' })).toBe(1);
    expect(delta('bulwark_second_factor_failures_total', { factor: 'totp' })).toBe(1);
  });

  it('counts every denied read, also those the audit log thins, and a denied write', async () => {
    const admin = await newAdmin(app);
    const user = await newUser(app, 'reader');
    secrets.add(admin.id).add(admin.email).add(user.id).add(user.email);
    const name = uniqueName('locked');
    const rules = { list: null, view: null, create: null, update: null, delete: null };
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }], rules });
    const created = await recordsApi(app, name).create(admin.headers, { title: 'secret' });
    const id = created.json().id as string;
    const views = 12;
    const delta = await step(async () => {
      for (let i = 0; i < views; i++) expect((await recordsApi(app, name).view(user.headers, id)).statusCode).toBe(404);
      expect((await recordsApi(app, name).list(user.headers)).statusCode).toBe(403);
      expect((await recordsApi(app, name).create(user.headers, { title: 'x' })).statusCode).toBe(403);
      expect((await recordsApi(app, name).remove(user.headers, id)).statusCode).toBe(404);
    });
    expect(delta('bulwark_rule_denials_total', { action: 'view' })).toBe(views);
    expect(delta('bulwark_rule_denials_total', { action: 'list' })).toBe(1);
    expect(delta('bulwark_rule_denials_total', { action: 'create' })).toBe(1);
    expect(delta('bulwark_rule_denials_total', { action: 'delete' })).toBe(1);
    // The log keeps 10 denied reads a minute per caller and collection; the metric counts all 13.
    expect((await auditEntries(app, 'records.read.denied')).length).toBeGreaterThan(0);
    const route = '/api/collections/:c/records/:id';
    expect(delta('bulwark_http_requests_total', { method: 'GET', route, status_class: '4xx' })).toBe(views);
  });

  it('counts a CSRF refusal', async () => {
    const email = uniqueEmail('browser');
    secrets.add(email);
    await app.http.inject({ method: 'POST', url: '/api/auth/register', payload: { email, password: PASSWORD } });
    const token = sessionTokenFrom(await login(app, email));
    expect(token).toBeDefined();
    const cookie = cookieFor(token as string);
    const delta = await step(async () => {
      const forged = await app.http.inject({ method: 'POST', url: '/api/auth/logout', headers: { cookie } });
      expect(forged.json().code).toBe('AUTH_CSRF');
    });
    expect(delta('bulwark_csrf_refusals_total')).toBe(1);
  });

  it('counts exactly the audit entries this instance wrote', async () => {
    const count = async () =>
      Number((await sql<{ n: number }>`SELECT COUNT(*) AS n FROM audit_log`.execute(app.database.db)).rows[0]?.n);
    const rowsBefore = await count();
    const delta = await step(async () => {
      await signIn(uniqueEmail('one-more'), OTHER_PASSWORD, '192.0.2.44');
      await app.http.inject({ url: '/api/health' });
    });
    const rowsAfter = await count();
    expect(rowsAfter - rowsBefore).toBeGreaterThan(0);
    expect(delta('bulwark_audit_entries_total')).toBe(rowsAfter - rowsBefore);
  });

  it('puts no email, user id, address or token in a label, and writes valid Prometheus text', async () => {
    const result = await scrape(app, TOKEN);
    for (const secret of secrets) expect(result.text).not.toContain(secret);
    const labelValues = result.samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.filter((value) => /@|\d+\.\d+\.\d+\.\d+|[0-9a-f]{8}-[0-9a-f]{4}/i.test(value))).toEqual([]);
    expect(result.value('bulwark_dependency_up', { dependency: 'database' })).toBe(1);
    expect(result.value('bulwark_audit_chain_ok')).toBe(1);
    // Without TLS there is no certificate, and no expiry series.
    expect(result.has('bulwark_tls_certificate_expiry_seconds')).toBe(false);
    expectPromtoolAccepts(result);
  });

  it('reports the audit chain broken once a recent entry is changed, and keeps reporting it', async () => {
    // Someone with the database's credentials but not the master key: triggers dropped, an entry edited.
    const { db, dialect } = app.database;
    if (dialect === 'sqlite') await sql`DROP TRIGGER IF EXISTS audit_log_no_update`.execute(db);
    else await sql`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`.execute(db);
    await sql`UPDATE audit_log SET details = ${'{"forged":true}'} WHERE seq = (SELECT MAX(seq) FROM audit_log)`.execute(
      db,
    );
    expect((await scrape(app, TOKEN)).value('bulwark_audit_chain_ok')).toBe(0);
    await signIn(uniqueEmail('after-tamper'), OTHER_PASSWORD, '192.0.2.45');
    await app.audit.flush();
    const after = await scrape(app, TOKEN);
    expect(after.has('bulwark_audit_chain_ok')).toBe(true);
    expect(after.value('bulwark_audit_chain_ok')).toBe(0);
  });
});

/**
 * `promtool check metrics` when installed (CI installs it): it parses the text as Prometheus
 * does and lints names and help. prom-client's own default series draw three lint notes
 * (`nodejs_active_handles_total` and two more are gauges named like counters) that are not
 * ours to rename; anything else, a parse error above all, fails.
 */
function expectPromtoolAccepts(result: Scrape): void {
  const found = spawnSync('which', ['promtool']).status === 0;
  // A workstation without promtool still gets the line-by-line parse of parseScrape.
  if (!found && !process.env.CI) return;
  const run = spawnSync('promtool', ['check', 'metrics'], { input: result.text, encoding: 'utf8' });
  expect(run.error).toBeUndefined();
  const notes = `${run.stdout}${run.stderr}`.split('\n').filter((line) => line.trim() !== '');
  const ours = notes.filter(
    (line) => !/^nodejs_active_(handles|requests|resources)_total non-counter metrics/.test(line),
  );
  expect(ours).toEqual([]);
  expect(notes.length).toBeLessThanOrEqual(3);
}
