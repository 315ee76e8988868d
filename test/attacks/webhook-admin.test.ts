import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { register, signIn, uniqueEmail } from '../helpers/auth-client.js';
import {
  type Account,
  auditEntries,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
} from '../helpers/collections-client.js';
import { createTestApp, type TestApp, useTestApp } from '../helpers/test-app.js';
import { registerWebhook, webhooksApi } from '../helpers/webhooks-client.js';

/**
 * Webhook administration (issue 15 item 4, item 6): administrators only, changes after a recent
 * sign-in and audited; the signing secret is shown once, sealed at rest, and never listed,
 * logged or audited; events and secrets are validated with errors that name what is wrong.
 */
describe('webhook administration', () => {
  let admin: Account;
  let user: Account;
  const hook = { url: 'https://hooks.example.com/in', events: ['record.*', 'user.registered'] };

  const app = useTestApp({ logLevel: 'info' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    user = await newUser(app, 'plain');
  });

  it('guests and users reach no webhook route', async () => {
    const created = await registerWebhook(app, admin, hook);
    const api = webhooksApi(app);
    for (const [headers, status] of [
      [undefined, 401],
      [user.headers, 403],
    ] as const) {
      expectProblem(await api.create(headers, hook), status);
      expectProblem(await api.list(headers), status);
      expectProblem(await api.get(headers, created.id), status);
      expectProblem(await api.remove(headers, created.id), status);
      expectProblem(await api.deliveries(headers, created.id), status);
      expectProblem(await api.test(headers, created.id), status);
    }
    // An API key of a user, even with every scope a user may hold, is not an administrator.
    const key = await newApiKey(app, user, ['records:read', 'records:write']);
    expectProblem(await api.create(key, hook), 403);
    expect((await api.get(admin.headers, created.id)).statusCode).toBe(200);
  });

  it('registering or deleting needs a recent sign-in', async () => {
    const stale = await newAdmin(app);
    const created = await registerWebhook(app, stale, hook);
    const old = Date.now() - 60 * 60_000;
    await app.database.db
      .updateTable('sessions')
      .set({ reauth_ms: old, factor_ms: old })
      .where('user_id', '=', stale.id)
      .execute();
    expectProblem(await webhooksApi(app).create(stale.headers, hook), 403, 'AUTH_STEP_UP_REQUIRED');
    expectProblem(await webhooksApi(app).remove(stale.headers, created.id), 403, 'AUTH_STEP_UP_REQUIRED');
    expectProblem(await webhooksApi(app).test(stale.headers, created.id), 403, 'AUTH_STEP_UP_REQUIRED');
    expect((await webhooksApi(app).get(stale.headers, created.id)).statusCode).toBe(200);
  });

  it('shows the secret once: never listed, shown, logged or audited, and sealed at rest', async () => {
    const created = await registerWebhook(app, admin, hook);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ url: hook.url, events: hook.events });
    const keyBase64 = created.secret.slice('whsec_'.length);
    const listed = await webhooksApi(app).list(admin.headers);
    const shown = await webhooksApi(app).get(admin.headers, created.id);
    const seen = { id: created.id, url: hook.url, events: hook.events, created: created.created, pendingDeliveries: 0 };
    expect(listed.json().items).toContainEqual(seen);
    expect(shown.json()).toEqual(seen);
    const rows = await sql`SELECT * FROM webhooks`.execute(app.database.db);
    const audit = await auditEntries(app, 'webhook.created');
    expect(audit.find((entry) => entry.details.webhookId === created.id)).toMatchObject({
      actor: admin.id,
      details: { url: hook.url, events: hook.events, secretGiven: false },
    });
    for (const text of [listed.body, shown.body, JSON.stringify(rows.rows), JSON.stringify(audit), app.logs.text]) {
      expect(text).not.toContain(keyBase64);
      expect(text).not.toContain(Buffer.from(keyBase64, 'base64').toString('hex'));
    }
  });

  it('audits a webhook URL without its credentials-bearing parts (query, fragment)', async () => {
    const created = await registerWebhook(app, admin, { ...hook, url: 'https://hooks.example.com/in?token=tok-123#f' });
    expect(created.url).toBe('https://hooks.example.com/in?token=tok-123#f');
    const audit = await auditEntries(app, 'webhook.created');
    expect(audit.find((entry) => entry.details.webhookId === created.id)?.details.url).toBe(
      'https://hooks.example.com/in',
    );
    expect(JSON.stringify(audit)).not.toContain('tok-123');
  });

  it('takes a given whsec_ secret of at least 24 bytes and refuses any other', async () => {
    const given = `whsec_${Buffer.alloc(24, 7).toString('base64')}`;
    expect((await registerWebhook(app, admin, { ...hook, secret: given })).secret).toBe(given);
    for (const secret of [
      'my-shared-password',
      `whsec_${Buffer.alloc(23, 7).toString('base64')}`,
      'whsec_not*base64*at*all*but*long*enough*anyway',
      Buffer.alloc(32, 7).toString('base64'),
    ]) {
      const refused = await webhooksApi(app).create(admin.headers, { ...hook, secret });
      expectProblem(refused, 400, 'HOOK_SECRET_INVALID');
      expect(refused.json().errors).toEqual([expect.objectContaining({ field: 'secret' })]);
      expect(refused.body).not.toContain(secret);
    }
  });

  it('refuses unknown events, naming each, and accepts family patterns', async () => {
    const refused = await webhooksApi(app).create(admin.headers, {
      ...hook,
      events: ['record.created', 'record.exploded', '*'],
    });
    expectProblem(refused, 400, 'HOOK_EVENT_UNKNOWN');
    expect(refused.json().detail).toContain('record.exploded');
    expect(refused.json().errors.map((e: { field: string }) => e.field)).toEqual(['events[1]', 'events[2]']);
    expect((await webhooksApi(app).create(admin.headers, { ...hook, events: ['user.*'] })).statusCode).toBe(201);
    expectProblem(await webhooksApi(app).create(admin.headers, { ...hook, events: [] }), 400, 'HTTP_VALIDATION');
  });

  it('refuses malformed input with problem+json naming the field', async () => {
    expectProblem(await webhooksApi(app).create(admin.headers, { ...hook, url: 'not a url' }), 400, 'HOOK_URL_REFUSED');
    expectProblem(await webhooksApi(app).create(admin.headers, { ...hook, extra: true }), 400, 'HTTP_VALIDATION');
    expectProblem(await webhooksApi(app).create(admin.headers, { events: hook.events }), 400, 'HTTP_VALIDATION');
    expectProblem(await webhooksApi(app).deliveries(admin.headers, 'nope', '?perPage=0'), 400, 'HTTP_VALIDATION');
  });

  it('deletes a webhook with its deliveries, audited with how many were dropped; then it is not found', async () => {
    const created = await registerWebhook(app, admin, hook);
    expect((await webhooksApi(app).test(admin.headers, created.id)).statusCode).toBe(202);
    expect((await webhooksApi(app).test(admin.headers, created.id)).statusCode).toBe(202);
    const queued = () =>
      app.database.db.selectFrom('webhook_deliveries').select('id').where('webhook_id', '=', created.id).execute();
    // This app does not listen, so its delivery worker is not running: both stay queued.
    expect(await queued()).toHaveLength(2);
    expect((await webhooksApi(app).get(admin.headers, created.id)).json().pendingDeliveries).toBe(2);
    expect(
      (await webhooksApi(app).list(admin.headers)).json().items.find((item: { id: string }) => item.id === created.id),
    ).toMatchObject({ pendingDeliveries: 2 });
    expect((await webhooksApi(app).remove(admin.headers, created.id)).statusCode).toBe(204);
    expect(await queued()).toHaveLength(0);
    expectProblem(await webhooksApi(app).get(admin.headers, created.id), 404, 'HOOK_NOT_FOUND');
    expectProblem(await webhooksApi(app).remove(admin.headers, created.id), 404, 'HOOK_NOT_FOUND');
    expectProblem(await webhooksApi(app).deliveries(admin.headers, created.id), 404, 'HOOK_NOT_FOUND');
    const audit = await auditEntries(app, 'webhook.deleted');
    expect(audit.find((entry) => entry.details.webhookId === created.id)).toMatchObject({
      actor: admin.id,
      details: { pendingDropped: 2 },
    });
  });
});

describe('webhook administration from a browser session', () => {
  let app: TestApp;

  beforeAll(async () => {
    // An administrator without a second factor, so a plain cookie sign-in is a full one.
    app = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUTH_MFA_REQUIRED_FOR_ADMINS: 'false' } });
    await app.http.ready();
  });
  afterAll(() => app.close());

  it('needs the session’s X-CSRF-Token for every change, and refuses a cross-site request', async () => {
    const email = uniqueEmail('cookie-admin');
    await register(app, email);
    await app.database.db.updateTable('users').set({ role: 'admin' }).where('email', '=', email).execute();
    const session = await signIn(app, email);
    const send = (method: 'POST' | 'DELETE', url: string, headers: Record<string, string>, payload?: object) =>
      app.http.inject({
        method,
        url,
        headers: { cookie: session.cookie, ...headers },
        ...(payload ? { payload } : {}),
      });
    const hook = { url: 'https://hooks.example.com/in', events: ['record.*'] };

    expectProblem(await send('POST', '/api/admin/webhooks', {}, hook), 403, 'AUTH_CSRF');
    expectProblem(await send('POST', '/api/admin/webhooks', { 'x-csrf-token': 'forged' }, hook), 403, 'AUTH_CSRF');
    const crossSite = { 'x-csrf-token': session.csrf, origin: 'https://evil.example' };
    expectProblem(await send('POST', '/api/admin/webhooks', crossSite, hook), 403);
    expect(
      (await app.http.inject({ url: '/api/admin/webhooks', headers: { cookie: session.cookie } })).json().items,
    ).toEqual([]);

    const created = await send('POST', '/api/admin/webhooks', { 'x-csrf-token': session.csrf }, hook);
    expect(created.statusCode, created.body).toBe(201);
    const { id } = created.json();
    expectProblem(await send('POST', `/api/admin/webhooks/${id}/test`, {}), 403, 'AUTH_CSRF');
    expectProblem(await send('DELETE', `/api/admin/webhooks/${id}`, {}), 403, 'AUTH_CSRF');
    expect((await send('DELETE', `/api/admin/webhooks/${id}`, { 'x-csrf-token': session.csrf })).statusCode).toBe(204);
  });
});
