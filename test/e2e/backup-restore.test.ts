// @module-tag slow (starts the real binary and takes backups of a seeded installation)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditRows,
  download,
  listRecords,
  openInstallation,
  type SeededData,
  seedInstallation,
} from '../helpers/backup-fixture.js';
import { rawRows } from '../helpers/collections-client.js';
import { type RunningServer, runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { TEST_ENV } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Issue 17 item 3: `bulwark backup` against a running server, then `bulwark restore` into a new
 * data folder (and a new database on PostgreSQL) gives back every record (encrypted fields
 * included), file, user and audit entry, and the audit chain verifies there.
 */
const PASSPHRASE = 'orchard lantern quietly 7 rivers';
const START_TIMEOUT_MS = 90_000;
/** Cheap hashing, and abuse limits out of the way of the failed sign-ins below (bans are data, and restored). */
const BASE_ENV = { ...TEST_ENV, BULWARK_LOG_LEVEL: 'warn' };

let root: string;
const databases: TestDatabase[] = [];
const servers: RunningServer[] = [];

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-backup-'));
});
afterEach(async () => {
  for (const server of servers.splice(0)) await server.stop('SIGKILL');
  for (const database of databases.splice(0)) await database.drop();
  rmSync(root, { recursive: true, force: true });
});

/** A data folder and its own database (PostgreSQL: a whole new one; SQLite: the folder's file). */
async function newPlace(name: string): Promise<{ dataDir: string; env: Record<string, string> }> {
  const database = await createTestDatabase();
  databases.push(database);
  return { dataDir: join(root, name), env: { ...BASE_ENV, ...database.env } };
}

/** Seeds an installation in-process, then serves it with the real binary. */
async function seededServer(): Promise<{ dataDir: string; env: Record<string, string>; seeded: SeededData }> {
  const place = await newPlace('source');
  const app = await openInstallation(place.dataDir, place.env);
  const seeded = await seedInstallation(app).finally(() => app.close());
  const server = await startServer(
    spawnCli(['serve', '--port', '0', '--data', place.dataDir], place.env),
    START_TIMEOUT_MS,
  );
  servers.push(server);
  return { ...place, seeded };
}

/** Failed sign-ins while the backup runs: each one appends to the audit chain being copied. */
async function writeWhile(url: string, running: Promise<unknown>): Promise<number> {
  let settled = false;
  void running.finally(() => {
    settled = true;
  });
  let attempts = 0;
  while (!settled) {
    await fetch(`${url}/api/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: `nobody-${attempts}@example.com`, password: 'not the password at all' }),
    });
    attempts += 1;
  }
  return attempts;
}

async function expectRestored(dataDir: string, env: Record<string, string>, seeded: SeededData): Promise<void> {
  const verified = await runCli(['log', 'verify', '--data', dataDir], env);
  expect(verified.code, verified.stdout + verified.stderr).toBe(0);
  expect(verified.stdout).toMatch(/^audit log intact: \d+ entries verified/);
  const app = await openInstallation(dataDir, env);
  try {
    const records = await listRecords(app, seeded.collection, seeded.alice);
    expect(records).toEqual(seeded.records);
    expect(records.map((record) => (record as { secret: string }).secret)).toEqual(seeded.secrets);
    expect((await download(app, seeded.file.url, seeded.alice)).equals(seeded.file.bytes)).toBe(true);
    expect(await rawRows(app, 'users')).toEqual(seeded.users);
    // Every entry from before the backup, hash for hash; the server's own entries follow them.
    expect((await auditRows(app)).slice(0, seeded.auditEntries.length)).toEqual(seeded.auditEntries);
  } finally {
    await app.close();
  }
}

describe('bulwark backup and restore', { timeout: 240_000 }, () => {
  it('a passphrase backup of a running server restores on a new machine, every record, file, user and audit entry intact', async () => {
    const source = await seededServer();
    const file = join(root, 'passphrase.bwb');
    const backup = runCli(
      ['backup', file, '--passphrase-stdin', '--data', source.dataDir],
      source.env,
      `${PASSPHRASE}\n`,
    );
    const attempts = await writeWhile(servers[0]?.url ?? '', backup);
    const result = await backup;
    expect(result.code, result.stderr).toBe(0);
    expect(attempts).toBeGreaterThan(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(result.stdout).toMatch(
      /^backup written to .*: (sqlite|postgres) database with 3 users, 1 collection, \d+ audit entries; 1 stored file\n/,
    );
    expect(result.stdout).toContain('the master key is sealed inside');

    // A new machine: an empty data folder, no master key, a new database.
    const target = await newPlace('restored');
    const restored = await runCli(
      ['restore', file, '--passphrase-stdin', '--data', target.dataDir],
      target.env,
      `${PASSPHRASE}\n`,
    );
    expect(restored.code, restored.stderr).toBe(0);
    expect(restored.stdout).toContain('every chunk and every entry was verified before anything was replaced');
    expect(statSync(join(target.dataDir, 'master.key')).mode & 0o777).toBe(0o600);
    await expectRestored(target.dataDir, target.env, source.seeded);
  });

  it('a master-key backup restores where the master key is, and the restore is audited', async () => {
    const source = await seededServer();
    const file = join(root, 'master.bwb');
    const result = await runCli(['backup', '--out', file, '--data', source.dataDir], source.env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('sealed with a key derived from the master key');

    const target = await newPlace('restored');
    mkdirSync(target.dataDir, { mode: 0o700 });
    copyFileSync(join(source.dataDir, 'master.key'), join(target.dataDir, 'master.key'));
    const restored = await runCli(['restore', file, '--data', target.dataDir], target.env);
    expect(restored.code, restored.stderr).toBe(0);
    await expectRestored(target.dataDir, target.env, source.seeded);
    const app = await openInstallation(target.dataDir, target.env);
    try {
      const types = ((await auditRows(app)) as Array<{ type: string }>).map((row) => row.type);
      expect(types).toContain('backup.restored');
    } finally {
      await app.close();
    }
    // The source recorded its backup in its own chain.
    await servers.splice(0)[0]?.stop();
    const sourceApp = await openInstallation(source.dataDir, source.env);
    try {
      const created = ((await auditRows(sourceApp)) as Array<{ type: string; details: string }>).filter(
        (row) => row.type === 'backup.created',
      );
      expect(created).toHaveLength(1);
      expect(JSON.parse(created[0]?.details ?? '{}')).toMatchObject({ file, keyMode: 'master-key', files: 1 });
    } finally {
      await sourceApp.close();
    }
  });
});
