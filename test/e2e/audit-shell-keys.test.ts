// @module-tag slow (starts the real binary and npm audit: skipped by `npm run test:quick`)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdvisoryStandIn, findingsOf, startEmptyAdvisoryService } from '../helpers/audit-run.js';
import { useCliApp } from '../helpers/cli-app.js';
import { newAdmin, newApiKey, PASSWORD, uniqueEmail } from '../helpers/collections-client.js';

/**
 * `bulwark audit` names every live administrator key made on the shell (issue 19): such a key
 * works without its owner's second factor, so it is a standing credential the operator must
 * see. Keys are made and revoked with the real binary, and audited by it.
 */
const FINDING = 'admin-api-key-from-shell';
/** Each test runs the binary several times (and npm audit once per audit): seconds each on a busy machine. */
const SEVERAL_COMMANDS_MS = 120_000;

let advisories: AdvisoryStandIn;
let npmCache: string;
beforeAll(async () => {
  advisories = await startEmptyAdvisoryService();
  npmCache = mkdtempSync(join(tmpdir(), 'bulwark-audit-npm-'));
});
afterAll(async () => {
  await advisories.close();
  rmSync(npmCache, { recursive: true, force: true });
});
const fixture = useCliApp('bulwark-audit-shell-keys-', () => ({ npm_config_cache: npmCache, NODE_OPTIONS: '' }));

/** `bulwark audit --json` on the fixture's deployment: its stdout and the shell-key finding, if any. */
async function audit() {
  const run = await fixture.cli(['audit', '--json', '--advisory-registry', advisories.url]);
  const findings = findingsOf(run.stdout);
  return { stdout: run.stdout, finding: findings.find((finding) => finding.id === FINDING) };
}

/** `keys create --admin` for `owner`; the key it printed and the record `keys list` shows for it. */
async function shellKey(owner: string, ...extra: string[]) {
  const made = await fixture.cli([
    'keys',
    'create',
    '--admin',
    '--name',
    'deploy',
    '--expires',
    '2d',
    '--owner',
    owner,
    ...extra,
  ]);
  expect(made.code, made.stderr).toBe(0);
  const listed = await fixture.cli(['keys', 'list', '--json']);
  const items = JSON.parse(listed.stdout).items as Array<{ id: string; madeFromShell: boolean; expires: string }>;
  const record = items.find((item) => item.madeFromShell);
  if (!record) throw new Error(`keys list shows no shell key: ${listed.stdout}`);
  return { key: made.stdout.trim(), record };
}

describe('bulwark audit: administrator keys made on the shell', () => {
  it('names a live one (id, name, owner, scopes, expiry; never the key or its hash) until keys revoke ends it', {
    timeout: SEVERAL_COMMANDS_MS,
  }, async () => {
    const admin = await newAdmin(fixture.app);
    const { key, record } = await shellKey(admin.email, '--scopes', 'records:read');

    const before = await audit();
    expect(before.finding, before.stdout).toMatchObject({ severity: 'medium' });
    const message = before.finding?.message ?? '';
    expect(message).toMatch(/^1 live administrator API key made on the shell/);
    for (const part of [record.id, '“deploy”', admin.email, 'scopes admin records:read', record.expires]) {
      expect(message).toContain(part);
    }
    expect(before.finding?.fix).toContain('bulwark keys revoke ID');
    const [row] = await fixture.app.database.db.selectFrom('api_keys').select('key_hash').execute();
    expect(before.stdout).not.toContain(key);
    expect(before.stdout).not.toContain(key.slice(4));
    expect(before.stdout).not.toContain(row?.key_hash);

    const revoked = await fixture.cli(['keys', 'revoke', record.id]);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await audit();
    expect(after.finding, after.stdout).toBeUndefined();
  });

  it('says nothing of an expired one', { timeout: SEVERAL_COMMANDS_MS }, async () => {
    const admin = await newAdmin(fixture.app);
    const { record } = await shellKey(admin.email);
    // Expired as time would make it: the row's expiry moved into the past.
    await fixture.app.database.db
      .updateTable('api_keys')
      .set({ expires_ms: Date.now() - 1000 })
      .where('id', '=', record.id)
      .execute();
    const run = await audit();
    expect(run.finding, run.stdout).toBeUndefined();
  });

  it('says nothing of an administrator key made over HTTP', { timeout: SEVERAL_COMMANDS_MS }, async () => {
    const admin = await newAdmin(fixture.app);
    await newApiKey(fixture.app, admin, ['admin']);
    const run = await audit();
    expect(run.finding, run.stdout).toBeUndefined();
  });

  it('still checks the other accounts on a database from before shell keys (migration 0014)', {
    timeout: SEVERAL_COMMANDS_MS,
  }, async () => {
    await fixture.app.auth.accounts.createAdmin(uniqueEmail('no-factor'), PASSWORD);
    await fixture.app.database.db.schema.alterTable('api_keys').dropColumn('made_from_shell').execute();
    const run = await fixture.cli(['audit', '--json', '--advisory-registry', advisories.url]);
    const ids = findingsOf(run.stdout).map((finding) => finding.id);
    expect(ids, run.stdout).toContain('admin-second-factor-pending');
    expect(ids).not.toContain('accounts-not-checked');
    expect(ids).not.toContain(FINDING);
  });
});
