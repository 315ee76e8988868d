// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { createHmac, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createDatabase, type Database } from '../../src/db/index.js';
import { hashableFromRow, hashEntry } from '../../src/features/audit/hash-entry.js';
import { canonicalJson } from '../../src/lib/encoding/canonical-json.js';
import { foreignAuditType } from '../helpers/foreign-audit-type.js';
import { runCli } from '../helpers/run-cli.js';
import { LogCapture, testDialect } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * An attacker who can write the database — the application's own role can drop the
 * append-only triggers — but does not hold the master key. Before the chain was keyed and
 * anchored, deleting the newest entries (or rewriting a tail and re-hashing it with SHA-256)
 * still passed `bulwark log verify`. Every case runs the real CLI against a real data folder.
 */

let root: string;
let database: TestDatabase;
let env: Record<string, string>;
const folder = (name = 'data') => join(root, name);

beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-audit-tamper-'));
  database = await createTestDatabase();
  env = { ...database.env, BULWARK_LOG_LEVEL: 'warn' };
});
afterEach(async () => {
  await database.drop();
  rmSync(root, { recursive: true, force: true });
});

async function startApp(dataDir = folder(), extraEnv: Record<string, string> = {}) {
  const logs = new LogCapture();
  const config = loadConfig({
    env: { ...env, ...extraEnv, BULWARK_DATA_DIR: dataDir, BULWARK_PORT: '0', BULWARK_LOG_LEVEL: 'info' },
    cwd: dataDir,
  });
  const app = await createApp({ config, logStream: logs });
  await app.start();
  return Object.assign(app, { logs });
}

async function recordEvents(app: BulwarkApp, count: number, label = 'event') {
  for (let i = 1; i <= count; i++)
    await app.audit.record({ type: foreignAuditType('test.event'), actor: `${label}-${i}`, details: { i } });
}

/** A running server's log of `count` events plus its start and stop entries; returns the last seq. */
async function serverLifetime(count: number, dataDir = folder(), extraEnv: Record<string, string> = {}) {
  const app = await startApp(dataDir, extraEnv);
  await recordEvents(app, count);
  await app.stop();
}

const verify = (dataDir = folder(), extraEnv: Record<string, string> = {}) =>
  runCli(['log', 'verify', '--data', dataDir], { ...env, ...extraEnv });

/** The attacker's own connection with the application's credentials, triggers out of the way. */
async function asAttacker<T>(run: (db: Database['db']) => Promise<T>, dataDir = folder()): Promise<T> {
  const attacker = createDatabase({ url: database.env.BULWARK_DATABASE_URL, sqlitePath: join(dataDir, 'bulwark.db') });
  try {
    await dropAppendOnlyGuard(attacker);
    return await run(attacker.db);
  } finally {
    await attacker.close();
  }
}

async function dropAppendOnlyGuard(attacker: Database): Promise<void> {
  if (attacker.dialect === 'sqlite') {
    await sql`DROP TRIGGER IF EXISTS audit_log_no_update`.execute(attacker.db);
    await sql`DROP TRIGGER IF EXISTS audit_log_no_delete`.execute(attacker.db);
  } else {
    await sql`DROP TRIGGER IF EXISTS audit_log_no_change ON audit_log`.execute(attacker.db);
  }
}

const lastSeq = (db: Database['db']) =>
  db
    .selectFrom('audit_log')
    .select('seq')
    .orderBy('seq', 'desc')
    .executeTakeFirstOrThrow()
    .then((row) => Number(row.seq));

/** Re-hashes every entry from `fromSeq` on with the published SHA-256 chain, as one without the key would. */
async function rehashWithSha256(db: Database['db'], fromSeq: number, set: { chain_version?: number } = {}) {
  const rows = await db.selectFrom('audit_log').selectAll().orderBy('seq', 'asc').execute();
  let prevHash = rows.find((row) => Number(row.seq) === fromSeq)?.prev_hash ?? '';
  for (const row of rows.filter((r) => Number(r.seq) >= fromSeq)) {
    const hash = hashEntry(prevHash, hashableFromRow({ ...row, seq: Number(row.seq), at_ms: Number(row.at_ms) }));
    await db
      .updateTable('audit_log')
      .set({ ...set, prev_hash: prevHash, hash })
      .where('seq', '=', row.seq)
      .execute();
    prevHash = hash;
  }
}

const checkpointFile = (dataDir = folder()) => join(dataDir, 'audit-checkpoint.json');

/** Each case starts a server and runs the binary a few times; on a loaded two-core runner that can pass 30 s. */
const SPAWNING_TEST_TIMEOUT_MS = 120_000;

describe('the keyed, anchored audit chain against an attacker with database access', {
  timeout: SPAWNING_TEST_TIMEOUT_MS,
}, () => {
  it('a clean log verifies, and keeps verifying after a restart', async () => {
    await serverLifetime(4);
    const first = await verify();
    expect(first.stdout).toMatch(/audit log intact: 6 entries verified\n/);
    expect(first.stdout).toMatch(/checkpoint of \S+ matches entry 6; 0 entries after it/);
    expect(first.code).toBe(0);

    await serverLifetime(3);
    const again = await verify();
    expect(again.stdout).toMatch(/audit log intact: 11 entries verified\n/);
    expect(again.code).toBe(0);
  });

  it('deleting the newest entries after dropping the append-only triggers is reported as a truncated tail', async () => {
    await serverLifetime(5);
    await asAttacker(async (db) => {
      await db.deleteFrom('audit_log').where('seq', '>', 4).execute();
    });
    const result = await verify();
    expect(result.stdout).toContain('tail truncated: the log ends at entry 4 but the checkpoint written at ');
    expect(result.stdout).toContain('entries 5 to 7 were removed');
    expect(result.stdout).not.toContain('intact');
    expect(result.code).toBe(1);
  });

  it('a tail edited and re-hashed with plain SHA-256 is reported as an altered entry', async () => {
    await serverLifetime(5);
    await asAttacker(async (db) => {
      await db.updateTable('audit_log').set({ actor: 'innocent' }).where('seq', '=', 4).execute();
      await rehashWithSha256(db, 4);
    });
    const result = await verify();
    expect(result.stdout).toContain(
      'entry altered: entry 4: its content was changed after it was written, or it was re-hashed without the key',
    );
    expect(result.code).toBe(1);
  });

  it('a tail re-hashed and marked as a plain (pre-keyed) chain is reported as altered', async () => {
    await serverLifetime(5);
    await asAttacker(async (db) => {
      await db
        .updateTable('audit_log')
        .set({ details: canonicalJson({ i: 999 }) })
        .where('seq', '=', 5)
        .execute();
      await rehashWithSha256(db, 5, { chain_version: 1 });
    });
    const result = await verify();
    expect(result.stdout).toContain('entry altered: entry 5: it carries a plain hash after keyed entries');
    expect(result.code).toBe(1);

    // Downgrading the whole log to plain SHA-256 leaves a chain that links up, but not the checkpoint.
    await asAttacker((db) => rehashWithSha256(db, 1, { chain_version: 1 }));
    const whole = await verify();
    expect(whole.stdout).toMatch(
      /entry altered: entry 7 does not match the checkpoint written at \S+: the log up to it was replaced or re-hashed/,
    );
    expect(whole.code).toBe(1);
  });

  /** Cuts the newest entries and builds a checkpoint naming the new head, with the old signature. */
  async function cutTailAndForgeHead(): Promise<Record<string, unknown>> {
    await serverLifetime(5);
    const head = await asAttacker(async (db) => {
      await db.deleteFrom('audit_log').where('seq', '>', 4).execute();
      return db.selectFrom('audit_log').select(['seq', 'hash']).where('seq', '=', 4).executeTakeFirstOrThrow();
    });
    const original = JSON.parse(readFileSync(checkpointFile(), 'utf8')) as Record<string, unknown>;
    return { ...original, seq: 4, hash: head.hash };
  }

  it('a checkpoint edited to hide a cut tail is reported as forged', async () => {
    writeFileSync(checkpointFile(), JSON.stringify(await cutTailAndForgeHead()));
    const result = await verify();
    expect(result.stdout).toMatch(
      /checkpoint forged or invalid: \S+audit-checkpoint\.json is not trustworthy: its signature does not match/,
    );
    expect(result.stdout).not.toContain('intact');
    expect(result.code).toBe(1);
  });

  it('a checkpoint re-signed without the key is reported as forged', async () => {
    const { mac: _, ...unsigned } = await cutTailAndForgeHead();
    // Signed the way the file is signed, but under a key the attacker can make.
    const mac = createHmac('sha256', randomBytes(32)).update(canonicalJson(unsigned)).digest('hex');
    writeFileSync(checkpointFile(), JSON.stringify({ ...unsigned, mac }));
    const result = await verify();
    expect(result.stdout).toMatch(/checkpoint forged or invalid: .*its signature does not match/);
    expect(result.stdout).not.toContain('intact');
    expect(result.code).toBe(1);
  });

  it('a deleted checkpoint is reported as missing', async () => {
    await cutTailAndForgeHead();
    rmSync(checkpointFile());
    const result = await verify();
    expect(result.stdout).toMatch(/checkpoint missing: \S+audit-checkpoint\.json does not exist/);
    expect(result.stdout).not.toContain('intact');
    expect(result.code).toBe(1);
  });

  it('entries cut while the server runs are not glued over by the entries written after', async () => {
    const app = await startApp();
    await recordEvents(app, 5, 'before');
    await app.audit.flush();
    await asAttacker(async (db) => {
      await db.deleteFrom('audit_log').where('seq', '>', 3).execute();
    });
    // The server goes on appending onto the shortened chain, with valid keyed hashes.
    await recordEvents(app, 6, 'after');
    await app.stop();
    expect(app.logs.text).toContain('no longer moves: the log ends at entry 4 but entry 6 was anchored');

    const result = await verify();
    expect(result.stdout).toMatch(/entry altered: entry 6 does not match the checkpoint/);
    expect(result.code).toBe(1);
  });
});

describe.skipIf(testDialect() !== 'postgres')(
  'several instances on one PostgreSQL',
  { timeout: SPAWNING_TEST_TIMEOUT_MS },
  () => {
    const shared = { BULWARK_MASTER_KEY: randomBytes(32).toString('base64') };

    it('entries another instance appended after a checkpoint are fine; removing them is caught by that instance’s checkpoint', async () => {
      await serverLifetime(2, folder('a'), shared);
      await serverLifetime(3, folder('b'), shared);
      const seenByA = await verify(folder('a'), shared);
      expect(seenByA.stdout).toMatch(/audit log intact: 9 entries verified\n/);
      expect(seenByA.stdout).toMatch(/matches entry 4; 5 entries after it/);
      expect(seenByA.code).toBe(0);

      await asAttacker(async (db) => {
        expect(await lastSeq(db)).toBe(9);
        await db.deleteFrom('audit_log').where('seq', '>', 6).execute();
      }, folder('a'));
      const seenByB = await verify(folder('b'), shared);
      expect(seenByB.stdout).toContain('tail truncated: the log ends at entry 6');
      expect(seenByB.code).toBe(1);
      // A's checkpoint predates B's entries: from A's folder alone the cut cannot be seen.
      expect((await verify(folder('a'), shared)).code).toBe(0);
    });
  },
);
