import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foreignAuditType } from '../../../test/helpers/foreign-audit-type.js';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { hashableFromRow, hashEntry, macEntry } from './hash-entry.js';
import { verifyAuditChain } from './index.js';

let app: TestApp;
let chainKey: Buffer;
beforeEach(async () => {
  app = await createTestApp({ logLevel: 'silent' });
  chainKey = app.deriveKey('audit-chain');
});
afterEach(() => app.close());

const verify = () => verifyAuditChain(app.database, chainKey);

/** An attacker with database access removes the append-only guard before editing. */
async function dropAppendOnlyGuard(): Promise<void> {
  if (app.database.dialect === 'sqlite') {
    await sql`DROP TRIGGER audit_log_no_update`.execute(app.database.db);
    await sql`DROP TRIGGER audit_log_no_delete`.execute(app.database.db);
  } else {
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(app.database.db);
  }
}

async function recordMany(count: number): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await app.audit.record({
      type: foreignAuditType('test.event'),
      actor: `user-${i}`,
      ip: '127.0.0.1',
      details: { i, b: [1, { z: 2 }] },
    });
  }
}

async function row(seq: number) {
  const found = await app.database.db.selectFrom('audit_log').selectAll().where('seq', '=', seq).executeTakeFirst();
  if (!found) throw new Error(`missing row ${seq}`);
  return found;
}

/** Writes entries the way the server did before the keyed chain: plain SHA-256, no version column given. */
async function insertPreKeyedEntries(count: number): Promise<void> {
  let prevHash = '0'.repeat(64);
  for (let seq = 1; seq <= count; seq++) {
    const entry = { seq, atMs: 1_700_000_000_000 + seq, type: 'old.event', actor: null, ip: null, requestId: null };
    const details = JSON.stringify({ seq });
    const hash = hashEntry(prevHash, { ...entry, details });
    await sql`INSERT INTO audit_log (seq, at_ms, type, actor, ip, request_id, details, prev_hash, hash)
      VALUES (${seq}, ${entry.atMs}, ${entry.type}, NULL, NULL, NULL, ${details}, ${prevHash}, ${hash})`.execute(
      app.database.db,
    );
    prevHash = hash;
  }
}

describe('the keyed hash-chained audit log', () => {
  it('chains entries with HMAC under the audit-chain key and verifies an untouched log', async () => {
    await recordMany(5);
    const entries = await app.audit.listRecent(10);
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(entries[0]?.prevHash).toBe(entries[1]?.hash);
    expect(entries[4]?.prevHash).toBe('0'.repeat(64));
    const first = await row(1);
    expect(first.chain_version).toBe(2);
    expect(first.hash).toBe(macEntry(chainKey, first.prev_hash, hashableFromRow(first)));
    expect(first.hash).not.toBe(hashEntry(first.prev_hash, hashableFromRow(first)));
    expect(await verify()).toMatchObject({ ok: true, checked: 5, unkeyed: 0, head: { seq: 5 } });
  });

  it('refuses UPDATE and DELETE through SQL (append-only)', async () => {
    await recordMany(2);
    await expect(sql`UPDATE audit_log SET actor = 'someone-else'`.execute(app.database.db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`DELETE FROM audit_log`.execute(app.database.db)).rejects.toThrow(/append-only/);
  });

  it('names the first changed entry when a field is edited', async () => {
    await recordMany(6);
    await dropAppendOnlyGuard();
    await sql`UPDATE audit_log SET actor = 'innocent' WHERE seq = 3`.execute(app.database.db);
    expect(await verify()).toMatchObject({ ok: false, brokenSeq: 3, checked: 2 });
  });

  it('names the gap when an entry is deleted', async () => {
    await recordMany(6);
    await dropAppendOnlyGuard();
    await sql`DELETE FROM audit_log WHERE seq = 4`.execute(app.database.db);
    expect(await verify()).toMatchObject({ ok: false, brokenSeq: 5, reason: 'entry 4 is missing' });
  });

  it('catches an entry re-hashed without the key at the entry itself', async () => {
    await recordMany(4);
    await dropAppendOnlyGuard();
    const original = await row(2);
    const details = '{"i":999}';
    const hash = hashEntry(original.prev_hash, { ...hashableFromRow(original), details });
    await sql`UPDATE audit_log SET details = ${details}, hash = ${hash} WHERE seq = 2`.execute(app.database.db);
    expect(await verify()).toMatchObject({ ok: false, brokenSeq: 2 });
  });

  it('catches an entry re-hashed even with the key by its successor’s link', async () => {
    await recordMany(4);
    await dropAppendOnlyGuard();
    const original = await row(2);
    const details = '{"i":999}';
    const hash = macEntry(chainKey, original.prev_hash, { ...hashableFromRow(original), details });
    await sql`UPDATE audit_log SET details = ${details}, hash = ${hash} WHERE seq = 2`.execute(app.database.db);
    expect(await verify()).toMatchObject({ ok: false, brokenSeq: 3 });
  });

  it('keeps one unbroken chain under 40 concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        app.audit.record({ type: foreignAuditType('test.concurrent'), details: { i } }),
      ),
    );
    expect(await verify()).toMatchObject({ ok: true, checked: 40 });
  });

  it('stores details in canonical form so the same event hashes the same on every dialect', async () => {
    await app.audit.record({ type: foreignAuditType('x'), details: { b: 1, a: 2 } });
    const [stored] = await app.database.db.selectFrom('audit_log').select('details').execute();
    expect(stored?.details).toBe('{"a":2,"b":1}');
  });
});

describe('entries from before the keyed chain', () => {
  it('verify as before, and the keyed chain continues from the last of them', async () => {
    await insertPreKeyedEntries(3);
    expect((await row(3)).chain_version).toBe(1);
    await recordMany(2);
    const firstKeyed = await row(4);
    expect(firstKeyed.chain_version).toBe(2);
    expect(firstKeyed.prev_hash).toBe((await row(3)).hash);
    expect(await verify()).toMatchObject({ ok: true, checked: 5, unkeyed: 3 });
  });

  it('are pinned by the first keyed entry: re-hashing an old entry breaks the chain', async () => {
    await insertPreKeyedEntries(3);
    await recordMany(1);
    await dropAppendOnlyGuard();
    const old = await row(3);
    const details = '{"seq":"rewritten"}';
    const hash = hashEntry(old.prev_hash, { ...hashableFromRow(old), details });
    await sql`UPDATE audit_log SET details = ${details}, hash = ${hash} WHERE seq = 3`.execute(app.database.db);
    expect(await verify()).toMatchObject({ ok: false, brokenSeq: 4 });
  });

  it('cannot follow a keyed entry: a plain entry appended after keyed ones is a break', async () => {
    await recordMany(2);
    const last = await row(2);
    const entry = { seq: 3, atMs: Date.now(), type: 'forged', actor: null, ip: null, requestId: null, details: '{}' };
    const hash = hashEntry(last.hash, entry);
    await sql`INSERT INTO audit_log (seq, at_ms, type, details, prev_hash, hash, chain_version)
      VALUES (3, ${entry.atMs}, 'forged', '{}', ${last.hash}, ${hash}, 1)`.execute(app.database.db);
    expect(await verify()).toMatchObject({
      ok: false,
      brokenSeq: 3,
      reason: 'it carries a plain hash after keyed entries (re-hashed without the key)',
    });
  });
});
