// @module-tag slow (runs the real binary and restarts servers)
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Account } from '../helpers/collections-client.js';
import {
  cliAuditDetails,
  createSecrets,
  expectAllRead,
  useKeysFixture,
  vaultCollection,
} from '../helpers/keys-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import { attemptServe } from '../helpers/serve-attempt.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * Issue 17 item 4, the master key: `bulwark keys rotate --master` makes a new master key that
 * unlocks the same root secret, so running servers go on, a restart with the new key reads
 * everything with every session still valid and the audit log verifying, and the old key is
 * refused with a message naming the rotation.
 */
const fixture = useKeysFixture(false);
const keyFile = () => join(fixture.dataDir, 'master.key');
const readKey = () => readFileSync(keyFile(), 'utf8').trim();

async function stop(server: TestApp): Promise<void> {
  fixture.servers.splice(fixture.servers.indexOf(server), 1);
  await server.close();
}

const me = async (server: TestApp, user: Account) =>
  (await server.http.inject({ url: '/api/auth/me', headers: user.headers })).statusCode;

const versionRows = async (server: TestApp) =>
  (await server.database.db.selectFrom('master_key_versions').select('version').execute()).map((row) =>
    Number(row.version),
  );

describe('bulwark keys rotate --master', { timeout: 180_000 }, () => {
  it('replaces the key file beside a running server; restarted with it, everything reads and the old key is refused', async () => {
    const first = fixture.servers[0] as TestApp;
    const { collection, user } = await vaultCollection(first);
    const expected = await createSecrets(first, collection, user, 5);
    const oldKey = readKey();
    expect((await fixture.keysCli(['status'])).stdout).toMatch(/^master key version 1\n/);
    // A new key left by a rotation stopped between its database write and its rename is never overwritten.
    writeFileSync(`${keyFile()}.new`, 'left over\n', { mode: 0o600 });
    const leftOver = await fixture.keysCli(['rotate', '--master']);
    expect(leftOver.code).toBe(2);
    expect(leftOver.stderr).toBe(
      `bulwark: ${keyFile()}.new exists from an earlier master-key rotation; fix: if the server starts with ${keyFile()}, delete the .new file; if it is refused as replaced, move the .new file to ${keyFile()}\n`,
    );
    expect(readKey()).toBe(oldKey);
    rmSync(`${keyFile()}.new`);

    const result = await fixture.keysCli(['rotate', '--master']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`master key replaced (version 2): ${keyFile()} holds the new key\n`);
    expect(readKey()).not.toBe(oldKey);
    expect(statSync(keyFile()).mode & 0o777).toBe(0o600);
    expect(existsSync(`${keyFile()}.new`)).toBe(false);
    expect((await fixture.keysCli(['status'])).stdout).toMatch(/^master key version 2\n/);
    // The running server holds derived keys, which did not change.
    await expectAllRead([first], collection, user, expected);
    expect(await me(first, user)).toBe(200);
    await stop(first);

    const withOldKey = await attemptServe(['--data', fixture.dataDir], { ...fixture.env, BULWARK_MASTER_KEY: oldKey });
    expect(withOldKey.listened, withOldKey.stderr).toBe(false);
    expect(withOldKey.code).toBe(1);
    expect(withOldKey.stderr).toContain(
      'the master key from BULWARK_MASTER_KEY was replaced by `bulwark keys rotate --master` and no longer opens the data in',
    );
    expect(withOldKey.stderr).toContain(`[master-key-replaced]; fix: start with the new master key: ${keyFile()}`);

    const restarted = await fixture.openServer(fixture.dataDir);
    await expectAllRead([restarted], collection, user, expected);
    // The session (its tokens are HMACs under a derived key) survived the rotation and the restart.
    expect(await me(restarted, user)).toBe(200);
    const verify = await runCli(['log', 'verify', '--data', fixture.dataDir], fixture.env);
    expect(verify.stdout, verify.stderr).toMatch(/^audit log intact: .* verified/);
    expect(verify.code).toBe(0);
    expect(await cliAuditDetails(restarted, 'keys.master.rotated')).toEqual([{ version: 2, keySource: keyFile() }]);

    // Only the newest version is kept: nothing needs an older one.
    const again = await fixture.keysCli(['rotate', '--master']);
    expect(again.stdout).toBe(`master key replaced (version 3): ${keyFile()} holds the new key\n`);
    expect(await versionRows(restarted)).toEqual([3]);
    await stop(restarted);
    const third = await fixture.openServer(fixture.dataDir);
    await expectAllRead([third], collection, user, expected);
  });

  it('with BULWARK_MASTER_KEY, takes the new key from standard input, never prints it, and refuses a weak one', async () => {
    const first = fixture.servers[0] as TestApp;
    const { collection, user } = await vaultCollection(first);
    const expected = await createSecrets(first, collection, user, 3);
    const oldKey = readKey();
    const asOperator = { BULWARK_MASTER_KEY: oldKey };

    const weak = await fixture.keysCli(['rotate', '--master'], asOperator, 'short\n');
    expect(weak.code).toBe(2);
    expect(weak.stderr).toBe(
      'bulwark: the new master key on standard input is not a strong key (32 random bytes, base64 or hex); fix: pipe one from `openssl rand -base64 32`\n',
    );
    const newKey = randomBytes(32).toString('base64');
    const result = await fixture.keysCli(['rotate', '--master'], asOperator, `${newKey}\n`);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(
      'master key replaced (version 2): set BULWARK_MASTER_KEY to the new key on every instance before its next start\n',
    );
    // The key file is the old key now, and left alone: with the variable set it is not used.
    expect(readKey()).toBe(oldKey);
    await stop(first);

    const restarted = await fixture.openServer(fixture.dataDir, { BULWARK_MASTER_KEY: newKey });
    await expectAllRead([restarted], collection, user, expected);
    expect(await me(restarted, user)).toBe(200);
    const verify = await runCli(['log', 'verify', '--data', fixture.dataDir], {
      ...fixture.env,
      BULWARK_MASTER_KEY: newKey,
    });
    expect(verify.code, verify.stdout + verify.stderr).toBe(0);
    const stale = await runCli(['log', 'verify', '--data', fixture.dataDir], { ...fixture.env, ...asOperator });
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('was replaced by `bulwark keys rotate --master`');
    expect(await cliAuditDetails(restarted, 'keys.master.rotated')).toEqual([
      { version: 2, keySource: 'BULWARK_MASTER_KEY' },
    ]);
  });
});
