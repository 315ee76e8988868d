// @module-tag slow (runs the real binary, and each rotation waits out the servers' key switch)
import { setTimeout as sleep } from 'node:timers/promises';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { recordsApi } from '../helpers/collections-client.js';
import {
  cliAuditDetails,
  createSecrets,
  dataKeyIds,
  expectAllRead,
  storedKeyIds,
  useKeysFixture,
  vaultCollection,
} from '../helpers/keys-fixture.js';
import { spawnCli } from '../helpers/run-cli.js';
import type { TestApp } from '../helpers/test-app.js';

/**
 * Issue 17 item 4: `bulwark keys rotate` beside running servers. A new data key becomes active
 * on every server within seconds, values under the retired key are re-encrypted without
 * overwriting a client's write, a stopped rotation resumes, and a retired key is deleted only
 * once no value names it.
 */
const fixture = useKeysFixture();
const app = () => fixture.servers[0] as TestApp;
const keysCli = (...args: string[]) => fixture.keysCli(args);
const setUp = () => vaultCollection(app());

const ROTATED = /^data key ([0-9a-f-]{36}) is active: re-encrypted (\d+) values?, deleted (\d+) retired keys?\n$/;

describe('bulwark keys rotate', { timeout: 180_000 }, () => {
  it('rotates while clients read and write encrypted fields on every server: no request fails, every value reads after', async () => {
    const { collection, user } = await setUp();
    // Clients rewrite the first 30 records throughout; the other 30 are left for the rotation.
    const expected = await createSecrets(app(), collection, user, 60);
    const rewritten = [...expected.keys()].slice(0, 30);
    const [oldKey] = await dataKeyIds(app());
    const failures: string[] = [];
    let writesDuringRotation = 0;
    let rotating = true;
    // Each worker owns its records, so the value it last wrote is the one expected back.
    const worker = async (w: number) => {
      const mine = rewritten.filter((_, i) => i % 3 === w);
      for (let round = 0; rotating; round++) {
        const server = fixture.servers[round % fixture.servers.length] as TestApp;
        const id = mine[round % mine.length] as string;
        const api = recordsApi(server, collection);
        const read = await api.view(user.headers, id);
        if (read.statusCode !== 200 || read.json().secret !== expected.get(id)) failures.push(`view ${read.body}`);
        const secret = `w${w} round ${round}`;
        const written = await api.update(user.headers, id, { secret });
        if (written.statusCode === 200) expected.set(id, secret);
        else failures.push(`update ${written.statusCode} ${written.body}`);
        writesDuringRotation += 1;
        // New records too, fewer of them: each is read back on every server at the end.
        if (round % 5 !== 0) continue;
        const created = await api.create(user.headers, { secret: `${secret} new`, label: 'during' });
        if (created.statusCode === 201) expected.set(created.json().id, `${secret} new`);
        else failures.push(`create ${created.statusCode} ${created.body}`);
        writesDuringRotation += 1;
      }
    };
    const workers = [0, 1, 2].map(worker);
    const result = await keysCli('rotate', '--batch-size', '7');
    rotating = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(writesDuringRotation).toBeGreaterThan(0);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const [, newKey, reencrypted] = ROTATED.exec(result.stdout) ?? [];
    expect(result.stdout).toMatch(ROTATED);
    expect(Number(reencrypted)).toBeGreaterThanOrEqual(30);
    // Only the new key is left, and every stored value names it: the servers switched.
    expect(await dataKeyIds(app())).toEqual([newKey]);
    expect(new Set((await storedKeyIds(app(), collection)).values())).toEqual(new Set([newKey]));
    await expectAllRead(fixture.servers, collection, user, expected);
    expect(await cliAuditDetails(app(), 'keys.rotation.started')).toEqual([
      { keyId: newKey, retiredKeys: [oldKey], values: expect.any(Number), resumed: false },
    ]);
    expect(await cliAuditDetails(app(), 'keys.rotation.completed')).toEqual([
      {
        keyId: newKey,
        reencrypted: Number(reencrypted),
        changedMeanwhile: expect.any(Number),
        unreadable: 0,
        keysDeleted: [oldKey],
        keysKept: [],
      },
    ]);
  });

  it('a rotation killed mid-way keeps the retired key, and the next run resumes it and completes', async () => {
    const { collection, user } = await setUp();
    const expected = await createSecrets(app(), collection, user, 40);
    const [oldKey] = await dataKeyIds(app());
    // One value per batch and a pause between batches: the kill lands with most of the work left.
    const child = spawnCli(
      ['keys', 'rotate', '--batch-size', '1', '--pause-ms', '500', '--data', fixture.dataDir],
      fixture.env,
    );
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on('close', (_code, signal) => resolve(signal)),
    );
    let newKey: string | undefined;
    for (let polls = 0; newKey === undefined; polls++) {
      expect(polls, 'the rotation re-encrypted nothing within a minute').toBeLessThan(600);
      await sleep(100);
      const keys = await dataKeyIds(app());
      newKey = [...(await storedKeyIds(app(), collection)).values()].find((id) => id !== oldKey && keys.includes(id));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');

    // Stopped part-way: both keys remain, values under each, and the old one still reads.
    expect(await dataKeyIds(app())).toEqual([oldKey, newKey]);
    const stored = [...(await storedKeyIds(app(), collection)).values()];
    const left = stored.filter((id) => id === oldKey).length;
    expect(left).toBeGreaterThan(0);
    expect(left).toBeLessThan(40);
    await expectAllRead(fixture.servers, collection, user, expected);
    const status = await keysCli('status');
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(
      `a rotation is unfinished: ${left} value${left === 1 ? '' : 's'} under 1 retired key; run bulwark keys rotate to finish it`,
    );

    const resumed = await keysCli('rotate');
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    // The same new key: the run finished the rotation rather than starting another.
    expect(resumed.stdout).toBe(
      `data key ${newKey} is active: re-encrypted ${left} value${left === 1 ? '' : 's'}, deleted 1 retired key\n`,
    );
    expect(await dataKeyIds(app())).toEqual([newKey]);
    await expectAllRead(fixture.servers, collection, user, expected);
    const starts = await cliAuditDetails(app(), 'keys.rotation.started');
    expect(starts.map((entry) => entry.resumed)).toEqual([false, true]);
    expect(starts[1]).toEqual({ keyId: newKey, retiredKeys: [oldKey], values: left, resumed: true });
    const json = JSON.parse((await keysCli('status', '--json')).stdout) as { dataKeys: Array<Record<string, unknown>> };
    expect(json).toEqual({ masterKeyVersion: 1, dataKeys: expect.any(Array) });
    expect(json.dataKeys).toEqual([
      { id: newKey, state: 'active', created: expect.any(String), retired: null, values: 40 },
    ]);
  });

  it('keeps a retired key while a value under it does not decrypt, and deletes it once nothing names it', async () => {
    const { collection, user } = await setUp();
    const expected = await createSecrets(app(), collection, user, 3);
    const [oldKey] = await dataKeyIds(app());
    const [moved, victim] = [...expected.keys()] as [string, string];
    // Another record's ciphertext copied over this one's: bound to its record, it fails to decrypt.
    const table = sql.table(`c_${collection}`);
    await sql`UPDATE ${table} SET secret = (SELECT secret FROM ${table} WHERE id = ${moved}) WHERE id = ${victim}`.execute(
      app().database.db,
    );

    const first = await keysCli('rotate');
    expect(first.code).toBe(1);
    expect(first.stdout).toBe('');
    expect(first.stderr).toBe(
      `does not decrypt: ${collection} record ${victim} field secret\n` +
        `bulwark: 1 value under retired data key ${oldKey} does not decrypt (tampered with, or moved from another record), so the key is kept; fix: restore those values from a backup or clear them, then run bulwark keys rotate again\n`,
    );
    const [, newKey] = await dataKeyIds(app());
    expect(await dataKeyIds(app())).toEqual([oldKey, newKey]);
    const status = await keysCli('status');
    expect(status.stdout).toMatch(new RegExp(`^${oldKey}\\s+retired\\s+\\S+\\s+\\S+\\s+1$`, 'm'));
    expect(status.stdout).toMatch(new RegExp(`^${newKey}\\s+active\\s+\\S+\\s+2$`, 'm'));
    expect(await cliAuditDetails(app(), 'keys.rotation.incomplete')).toEqual([
      {
        keyId: newKey,
        reencrypted: 2,
        changedMeanwhile: 0,
        unreadable: 1,
        keysDeleted: [],
        keysKept: [oldKey],
      },
    ]);

    // The operator clears the broken value (here: deletes its record); the next run completes.
    expect((await recordsApi(app(), collection).remove(user.headers, victim)).statusCode).toBe(204);
    expected.delete(victim);
    const second = await keysCli('rotate');
    expect(second.code).toBe(0);
    expect(second.stdout).toBe(`data key ${newKey} is active: re-encrypted 0 values, deleted 1 retired key\n`);
    expect(await dataKeyIds(app())).toEqual([newKey]);
    await expectAllRead(fixture.servers, collection, user, expected);
  });

  it('refuses a batch size or pause that is not a whole number in range, in one line, before touching keys', async () => {
    await setUp();
    const before = await dataKeyIds(app());
    for (const args of [
      ['--batch-size', '0'],
      ['--batch-size', 'many'],
      ['--pause-ms', '1.5'],
    ]) {
      const result = await keysCli('rotate', ...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(
        /^bulwark: --(batch-size|pause-ms) must be a whole number from \d+ to \d+, not ".*"; fix: pass e\.g\. .*\n$/,
      );
    }
    expect(await dataKeyIds(app())).toEqual(before);
  });
});
