import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { checkpointPath, createAuditLog, verifyAuditLog } from '../../src/features/audit/index.js';
import { auditEntries } from '../helpers/collections-client.js';
import { foreignAuditType } from '../helpers/foreign-audit-type.js';
import { createTestApp, type TestApp } from '../helpers/test-app.js';

/**
 * Retention (issue 16 item 6; ASVS V16.4.2, V16.4.3): `audit.retentionDays` deletes entries
 * older than the window behind a signed retention anchor, so `bulwark log verify` still proves
 * the remaining chain; deleting an entry in the middle, deleting more than was pruned, or
 * forging or altering an anchor is a finding, and SQL alone cannot delete above the anchor.
 */

const DAY_MS = 86_400_000;
const RETENTION_DAYS = 30;
const OLD_ENTRIES = 5;
const NEW_ENTRIES = 3;

let app: TestApp;
beforeEach(async () => {
  app = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUDIT_RETENTION_DAYS: String(RETENTION_DAYS) } });
  await writeEntries(OLD_ENTRIES, Date.now() - (RETENTION_DAYS + 10) * DAY_MS);
  for (let i = 0; i < NEW_ENTRIES; i++)
    await app.audit.record({ type: foreignAuditType('test.recent'), actor: `user-${i}` });
  await app.audit.flush();
});
afterEach(() => app.close());

/** Entries written by the production audit log with its clock set back: the oldest part of the chain. */
async function writeEntries(count: number, atMs: number): Promise<void> {
  const oldLog = createAuditLog(app.database, {
    chainKey: app.deriveKey('audit-chain'),
    checkpoint: { path: checkpointPath(app.dataDir), key: app.deriveKey('audit-checkpoint') },
    now: () => atMs,
  });
  for (let i = 0; i < count; i++) await oldLog.record({ type: foreignAuditType('test.old'), details: { i } });
  await oldLog.close();
}

const verify = () =>
  verifyAuditLog({
    database: app.database,
    chainKey: app.deriveKey('audit-chain'),
    checkpoint: { path: checkpointPath(app.dataDir), key: app.deriveKey('audit-checkpoint') },
    retentionKey: app.deriveKey('audit-retention'),
  });

const seqs = async () =>
  (await app.database.db.selectFrom('audit_log').select('seq').orderBy('seq').execute()).map((row) => row.seq);

/** Someone with the application's SQL switches off the append-only guards of both tables. */
async function dropGuards(): Promise<void> {
  if (app.database.dialect === 'sqlite') {
    for (const name of [
      'audit_log_no_update',
      'audit_log_no_delete',
      'audit_retention_no_change',
      'audit_retention_no_delete',
    ]) {
      await sql`DROP TRIGGER ${sql.raw(name)}`.execute(app.database.db);
    }
  } else {
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change`.execute(app.database.db);
    await sql`ALTER TABLE audit_retention DISABLE TRIGGER audit_retention_no_change`.execute(app.database.db);
  }
}

async function prune() {
  const result = await app.auditRetention.runOnce();
  await app.audit.flush();
  return result;
}

describe('pruning', () => {
  it('deletes the entries older than the window, and log verify still proves the rest from the anchor', async () => {
    expect(await prune()).toEqual({ ok: true, deleted: OLD_ENTRIES, throughSeq: OLD_ENTRIES });
    // The recent entries and the audited pruning itself remain.
    expect(await seqs()).toEqual([6, 7, 8, 9]);
    const [event] = await auditEntries(app, 'audit.retention.prune');
    expect(event?.details).toEqual({ retentionDays: RETENTION_DAYS, deleted: OLD_ENTRIES, throughSeq: OLD_ENTRIES });
    const verdict = await verify();
    expect(verdict.findings).toEqual([]);
    expect(verdict).toMatchObject({ ok: true, checked: NEW_ENTRIES + 1, retention: { through_seq: OLD_ENTRIES } });
    // Nothing more is old: a second run deletes nothing and writes no event.
    expect(await prune()).toEqual({ ok: true, deleted: 0, throughSeq: null });
  });

  it('runs when the server starts', async () => {
    await app.start();
    // `stop` waits for the pruning under way, so this reads its outcome, not a race.
    await app.auditRetention.stop();
    await app.audit.flush();
    expect((await seqs())[0]).toBe(OLD_ENTRIES + 1);
    expect(await auditEntries(app, 'audit.retention.prune')).toHaveLength(1);
    expect((await verify()).ok).toBe(true);
  });

  it('keeps every entry when retentionDays is 0 (the default)', async () => {
    await app.close();
    app = await createTestApp({ logLevel: 'silent' });
    await writeEntries(2, Date.now() - 4000 * DAY_MS);
    await app.audit.record({ type: foreignAuditType('test.recent') });
    expect(app.config.audit.retentionDays).toBe(0);
    expect(await prune()).toBeNull();
    expect(await seqs()).toEqual([1, 2, 3]);
  });

  it('never deletes the newest entry, which the checkpoint names', async () => {
    await app.close();
    app = await createTestApp({ logLevel: 'silent', env: { BULWARK_AUDIT_RETENTION_DAYS: '1' } });
    await writeEntries(3, Date.now() - 10 * DAY_MS);
    expect(await prune()).toMatchObject({ ok: true, deleted: 2 });
    expect((await verify()).ok).toBe(true);
  });

  it('refuses to erase an edited entry: nothing is deleted and the refusal is audited', async () => {
    await dropGuards();
    await sql`UPDATE audit_log SET details = '{"i":999}' WHERE seq = 2`.execute(app.database.db);
    const result = await prune();
    expect(result).toMatchObject({ ok: false, deleted: 0 });
    expect(await seqs()).toHaveLength(OLD_ENTRIES + NEW_ENTRIES + 1);
    expect(await auditEntries(app, 'audit.retention.refused')).toHaveLength(1);
    expect((await verify()).findings).toMatchObject([{ kind: 'entry-altered', seq: 2 }]);
  });
});

describe('after pruning, an attacker with SQL access', () => {
  beforeEach(async () => {
    expect(await prune()).toMatchObject({ ok: true, deleted: OLD_ENTRIES });
  });

  it('cannot delete an entry above the anchor through the guard', async () => {
    await expect(sql`DELETE FROM audit_log WHERE seq = 7`.execute(app.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_log`.execute(app.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`DELETE FROM audit_retention`.execute(app.database.db)).rejects.toThrow(/append-only/);
    await expect(sql`UPDATE audit_retention SET retention_days = 1`.execute(app.database.db)).rejects.toThrow(
      /append-only/,
    );
    expect((await verify()).ok).toBe(true);
  });

  it('deleting a middle entry with the guard off is a finding', async () => {
    await dropGuards();
    await sql`DELETE FROM audit_log WHERE seq = 7`.execute(app.database.db);
    expect((await verify()).findings).toMatchObject([{ kind: 'entry-altered', seq: 8 }]);
  });

  it('deleting the oldest remaining entry, more than was pruned, is a finding', async () => {
    await dropGuards();
    await sql`DELETE FROM audit_log WHERE seq = 6`.execute(app.database.db);
    expect((await verify()).findings).toMatchObject([
      { kind: 'entry-altered', seq: 7, message: expect.stringContaining('entry 6 is missing') },
    ]);
  });

  it('an altered anchor is a finding', async () => {
    await dropGuards();
    await sql`UPDATE audit_retention SET retention_days = 3650`.execute(app.database.db);
    const verdict = await verify();
    expect(verdict.ok).toBe(false);
    expect(verdict.findings[0]).toMatchObject({ kind: 'retention-anchor-invalid', seq: OLD_ENTRIES });
  });

  it('a forged anchor opens the guard, but the deletion it allows is a finding', async () => {
    const head = await app.database.db
      .selectFrom('audit_log')
      .selectAll()
      .where('seq', '=', 7)
      .executeTakeFirstOrThrow();
    await app.database.db
      .insertInto('audit_retention')
      .values({
        through_seq: 7,
        through_hash: head.hash,
        through_at_ms: head.at_ms - 400 * DAY_MS,
        chain_version: head.chain_version,
        pruned_at_ms: head.at_ms,
        retention_days: 1,
        mac: 'f'.repeat(64),
      })
      .execute();
    await sql`DELETE FROM audit_log WHERE seq <= 7`.execute(app.database.db);
    const kinds = (await verify()).findings.map((finding) => [finding.kind, finding.seq]);
    expect(kinds).toEqual([
      ['retention-anchor-invalid', 7],
      ['entry-altered', 8],
    ]);
  });
});
