import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestApp, type TestApp } from '../../../test/helpers/test-app.js';
import { verifyAuditChain } from './index.js';

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp({ logLevel: 'silent' });
});
afterEach(() => app.close());

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
      type: 'test.event',
      actor: `user-${i}`,
      ip: '127.0.0.1',
      details: { i, b: [1, { z: 2 }] },
    });
  }
}

describe('the hash-chained audit log', () => {
  it('chains entries and verifies an untouched log', async () => {
    await recordMany(5);
    const entries = await app.audit.listRecent(10);
    expect(entries.map((e) => e.seq)).toEqual([5, 4, 3, 2, 1]);
    expect(entries[0]?.prevHash).toBe(entries[1]?.hash);
    expect(entries[4]?.prevHash).toBe('0'.repeat(64));
    expect(await verifyAuditChain(app.database)).toEqual({ ok: true, checked: 5 });
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
    const verdict = await verifyAuditChain(app.database);
    expect(verdict).toMatchObject({ ok: false, brokenSeq: 3, checked: 2 });
  });

  it('names the gap when an entry is deleted', async () => {
    await recordMany(6);
    await dropAppendOnlyGuard();
    await sql`DELETE FROM audit_log WHERE seq = 4`.execute(app.database.db);
    expect(await verifyAuditChain(app.database)).toMatchObject({
      ok: false,
      brokenSeq: 5,
      reason: 'entry 4 is missing',
    });
  });

  it('detects an entry whose hash was recomputed but whose successor still points to the old one', async () => {
    await recordMany(4);
    await dropAppendOnlyGuard();
    const [row] = await app.database.db.selectFrom('audit_log').selectAll().where('seq', '=', 2).execute();
    if (!row) throw new Error('missing row');
    const { hashEntry } = await import('./hash-entry.js');
    const forged = { ...row, details: '{"i":999}' };
    const hash = hashEntry(row.prev_hash, {
      seq: 2,
      atMs: row.at_ms,
      type: row.type,
      actor: row.actor,
      ip: row.ip,
      requestId: row.request_id,
      details: forged.details,
    });
    await sql`UPDATE audit_log SET details = ${forged.details}, hash = ${hash} WHERE seq = 2`.execute(app.database.db);
    expect(await verifyAuditChain(app.database)).toMatchObject({ ok: false, brokenSeq: 3 });
  });

  it('keeps one unbroken chain under 40 concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => app.audit.record({ type: 'test.concurrent', details: { i } })),
    );
    expect(await verifyAuditChain(app.database)).toEqual({ ok: true, checked: 40 });
  });

  it('stores details in canonical form so the same event hashes the same on every dialect', async () => {
    await app.audit.record({ type: 'x', details: { b: 1, a: 2 } });
    const [row] = await app.database.db.selectFrom('audit_log').select('details').execute();
    expect(row?.details).toBe('{"a":2,"b":1}');
  });
});
