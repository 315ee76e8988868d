// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { describe, expect, it } from 'vitest';
import { PASSWORD } from '../helpers/auth-client.js';
import { useCliApp } from '../helpers/cli-app.js';
import {
  adminApi,
  auditEntries,
  bearer,
  expectProblem,
  newAdmin,
  newApiKey,
  uniqueEmail,
  uniqueName,
} from '../helpers/collections-client.js';

/**
 * `bulwark keys create --admin` (issue 19 item 5): the server's shell is the owner's proof, so a
 * key made there works for an administrator who has no second factor yet; every other rule of
 * keys stays: expiry, revocation, scopes, and HTTP-made keys still wait for the factor.
 */
const fixture = useCliApp('bulwark-keys-create-');
/** Each test runs the binary several times, each opening the installation: on a busy machine, seconds each. */
const SEVERAL_COMMANDS_MS = 120_000;

const collection = () => ({ name: uniqueName('ci'), fields: [{ name: 'title', type: 'text' }], rules: {} });

/** Runs `keys create --admin` and returns the key it printed (its only line on stdout). */
async function shellKey(...extra: string[]): Promise<string> {
  const result = await fixture.cli(['keys', 'create', '--admin', '--name', 'ci', '--expires', '1d', ...extra]);
  expect(result.stderr).toMatch(/shown once/);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^bwk_[A-Za-z0-9_-]+\n$/);
  return result.stdout.trim();
}

describe('bulwark keys create --admin', () => {
  it('makes a key that creates a collection although no administrator has a second factor, audited as cli', {
    timeout: SEVERAL_COMMANDS_MS,
  }, async () => {
    const { app } = fixture;
    const email = uniqueEmail('factorless');
    const admin = await app.auth.accounts.createAdmin(email, PASSWORD);
    const key = await shellKey();

    const created = await adminApi(app).create(bearer(key), collection());
    expect(created.statusCode, created.body).toBe(201);
    // Only the scopes asked for (admin by default): the key is no master key.
    expectProblem(await app.http.inject({ url: '/api/auth/me', headers: bearer(key) }), 403, 'AUTH_FORBIDDEN');

    const [entry] = await auditEntries(app, 'admin.apikey.create');
    expect(entry).toMatchObject({ actor: 'cli', details: { userId: admin.id, email, name: 'ci', scopes: ['admin'] } });
    expect(JSON.stringify(await auditEntries(app, 'admin.apikey.create'))).not.toContain(key);
  });

  it('the same key is refused once expired or revoked; keys list shows it and keys revoke ends it', {
    timeout: SEVERAL_COMMANDS_MS,
  }, async () => {
    const { app } = fixture;
    await app.auth.accounts.createAdmin(uniqueEmail('owner'), PASSWORD);
    const key = await shellKey('--scopes', 'records:read');
    expect((await adminApi(app).get(bearer(key))).statusCode).toBe(200);

    const listed = await fixture.cli(['keys', 'list', '--json']);
    expect(listed.code).toBe(0);
    expect(listed.stdout).not.toContain(key);
    const [record] = JSON.parse(listed.stdout).items;
    expect(record).toMatchObject({
      name: 'ci',
      scopes: ['admin', 'records:read'],
      madeFromShell: true,
      revoked: false,
    });

    // Expired: the row's expiry moved into the past, as time would.
    const row = app.database.db.updateTable('api_keys').where('id', '=', record.id);
    await row.set({ expires_ms: Date.now() - 1000 }).execute();
    expectProblem(await adminApi(app).get(bearer(key)), 401, 'AUTH_INVALID_TOKEN');
    await row.set({ expires_ms: Date.now() + 3_600_000 }).execute();
    expect((await adminApi(app).get(bearer(key))).statusCode).toBe(200);

    const revoked = await fixture.cli(['keys', 'revoke', record.id]);
    expect(revoked.code).toBe(0);
    expect(revoked.stdout).toMatch(/^revoked API key /);
    expectProblem(await adminApi(app).get(bearer(key)), 401, 'AUTH_INVALID_TOKEN');
    const [audited] = await auditEntries(app, 'admin.apikey.revoke');
    expect(audited).toMatchObject({ actor: 'cli', details: { keyId: record.id } });
    expect((await fixture.cli(['keys', 'list'])).stdout).toMatch(/revoked\s+shell/);
  });

  it('HTTP-made admin keys, and the HTTP rotation of a shell key, still wait for the owner to hold a factor', {
    timeout: SEVERAL_COMMANDS_MS,
  }, async () => {
    const { app } = fixture;
    const admin = await newAdmin(app);
    const httpKey = await newApiKey(app, admin, ['admin']);
    const key = await shellKey('--owner', admin.email);
    const listed = await app.http.inject({ url: '/api/keys', headers: admin.headers });
    const shellRecord = listed.json().items.find((item: { madeFromShell: boolean }) => item.madeFromShell);
    expect(
      listed
        .json()
        .items.map((item: { madeFromShell: boolean }) => item.madeFromShell)
        .sort(),
    ).toEqual([false, true]);
    const rotated = await app.http.inject({
      method: 'POST',
      url: `/api/keys/${shellRecord.id}/rotate`,
      headers: admin.headers,
    });
    expect(rotated.statusCode, rotated.body).toBe(201);
    expect(rotated.json().apiKey.madeFromShell).toBe(false);

    // The factor goes away (as after an operator reset): only the shell's own key goes on.
    await app.database.db.updateTable('users').set({ mfa_enrolled_ms: null }).where('id', '=', admin.id).execute();
    expectProblem(await adminApi(app).get(httpKey), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
    expectProblem(await adminApi(app).get(bearer(rotated.json().key)), 403, 'AUTH_MFA_ENROLMENT_REQUIRED');
    expect((await adminApi(app).get(bearer(key))).statusCode).toBe(200);
  });

  it('refuses, with one line and exit 2, what would make a key without bounds or without an owner', {
    timeout: SEVERAL_COMMANDS_MS,
  }, async () => {
    const { app } = fixture;
    const base = ['keys', 'create', '--name', 'ci'];
    const noAdmin = await fixture.cli([...base, '--admin', '--expires', '1d']);
    expect(noAdmin.code).toBe(2);
    expect(noAdmin.stderr).toMatch(/no administrator to own the key; fix: /);
    const first = await app.auth.accounts.createAdmin(uniqueEmail('first'), PASSWORD);
    await app.auth.accounts.createAdmin(uniqueEmail('second'), PASSWORD);
    const refusals: Array<[string[], RegExp]> = [
      [[...base, '--expires', '1d'], /makes administrator keys only; fix: add --admin/],
      [[...base, '--admin'], /--expires is required/],
      [[...base, '--admin', '--expires', '91d'], /longer than the 90 days/],
      [[...base, '--admin', '--expires', 'forever'], /is not a span of time/],
      [[...base, '--admin', '--expires', '1d', '--scopes', 'root'], /unknown scope "root"/],
      [[...base, '--admin', '--expires', '1d'], /there are 2 administrators; fix: name the key's owner with --owner/],
      [['keys', 'create', '--admin', '--expires', '1d'], /--name must be/],
      [[...base, '--admin', '--expires', '1d', '--owner', 'nobody@example.com'], /is not an active administrator/],
    ];
    for (const [args, message] of refusals) {
      const result = await fixture.cli(args);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^bulwark: [^\n]*; fix: [^\n]*\n$/);
      expect(result.stderr).toMatch(message);
    }
    expect(await app.database.db.selectFrom('api_keys').selectAll().execute()).toEqual([]);
    // With two administrators, --owner picks one.
    expect((await fixture.cli([...base, '--admin', '--expires', '1d', '--owner', first.email])).code).toBe(0);
  });
});
