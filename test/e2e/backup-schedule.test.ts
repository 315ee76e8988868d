// @module-tag slow (writes several backups and restores one with the real binary)
import { randomBytes } from 'node:crypto';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  auditRows,
  listRecords,
  openInstallation,
  type SeededData,
  seedInstallation,
} from '../helpers/backup-fixture.js';
import { runCli } from '../helpers/run-cli.js';
import type { TestApp } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Issue 17 item 3, scheduled backups: the server writes them by `backup.schedule` into
 * `backup.dir`, keeps the newest `backup.keep`, audits each (`backup.created`, `backup.failed`),
 * and each one restores like a command-line backup.
 */
let root: string;
let databases: TestDatabase[];
let app: TestApp | undefined;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-scheduled-'));
  databases = [];
});
afterEach(async () => {
  await app?.close();
  app = undefined;
  for (const database of databases) await database.drop();
  rmSync(root, { recursive: true, force: true });
});

async function place(name: string) {
  const database = await createTestDatabase();
  databases.push(database);
  return { dataDir: join(root, name), env: { BULWARK_LOG_LEVEL: 'warn', ...database.env } };
}

const typesOf = async (opened: TestApp, type: string) =>
  ((await auditRows(opened)) as Array<{ type: string; details: string }>)
    .filter((row) => row.type === type)
    .map((row) => JSON.parse(row.details) as Record<string, unknown>);

/**
 * Restores `backup` into a new data folder holding only a copy of `keyFile`, checks the restore
 * and the audit chain pass and the seeded records read back, and returns the restored app.
 */
async function restoreOnNewMachine(backup: string, keyFile: string, seeded: SeededData): Promise<TestApp> {
  const target = await place('restored');
  mkdirSync(target.dataDir, { mode: 0o700 });
  copyFileSync(keyFile, join(target.dataDir, 'master.key'));
  const restored = await runCli(['restore', backup, '--data', target.dataDir], target.env);
  expect(restored.code, restored.stderr).toBe(0);
  expect((await runCli(['log', 'verify', '--data', target.dataDir], target.env)).code).toBe(0);
  const opened = await openInstallation(target.dataDir, target.env);
  try {
    expect(await listRecords(opened, seeded.collection, seeded.alice)).toEqual(seeded.records);
  } catch (error) {
    await opened.close();
    throw error;
  }
  return opened;
}

describe('scheduled backups', { timeout: 180_000 }, () => {
  it('keeps the newest `keep` backups, audits each, and the newest restores', async () => {
    const source = await place('source');
    const dir = join(root, 'backups');
    app = await openInstallation(source.dataDir, {
      ...source.env,
      BULWARK_BACKUP_SCHEDULE: '1d',
      BULWARK_BACKUP_DIR: dir,
      BULWARK_BACKUP_KEEP: '2',
    });
    const seeded = await seedInstallation(app);
    writeFileSync(join(root, 'unrelated.txt'), 'not a backup');
    for (let i = 0; i < 3; i++) expect(await app.backups.runOnce()).not.toBeNull();
    const names = readdirSync(dir).sort();
    expect(names).toHaveLength(2);
    expect(names.every((name) => /^bulwark-\d{8}T\d{9}Z\.bwb$/.test(name))).toBe(true);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, names[1] ?? '')).mode & 0o777).toBe(0o600);
    const created = await typesOf(app, 'backup.created');
    expect(created).toHaveLength(3);
    expect(created[2]).toMatchObject({
      file: join(dir, names[1] ?? ''),
      keyMode: 'master-key',
      files: 1,
      scheduled: true,
      deletedOld: 1,
    });
    await app.close();
    app = undefined;

    app = await restoreOnNewMachine(join(dir, names[1] ?? ''), join(source.dataDir, 'master.key'), seeded);
  });

  it('after the master key is replaced beside the running server, its next backup opens with the new key', async () => {
    const source = await place('source');
    const dir = join(root, 'backups');
    app = await openInstallation(source.dataDir, {
      ...source.env,
      BULWARK_BACKUP_SCHEDULE: '1d',
      BULWARK_BACKUP_DIR: dir,
    });
    const seeded = await seedInstallation(app);
    const keyFile = join(source.dataDir, 'master.key');
    const oldKey = readFileSync(keyFile);
    const rotated = await runCli(['keys', 'rotate', '--master', '--data', source.dataDir], source.env);
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(readFileSync(keyFile).equals(oldKey)).toBe(false);
    expect(await app.backups.runOnce()).not.toBeNull();
    const [name] = readdirSync(dir);
    await app.close();
    app = undefined;

    // A new machine holding only the current key restores it, and the data inside opens with it.
    app = await restoreOnNewMachine(join(dir, name ?? ''), keyFile, seeded);
  });

  it('with BULWARK_MASTER_KEY replaced under it, the server refuses to seal a backup with the old key', async () => {
    const source = await place('source');
    const dir = join(root, 'backups');
    const oldKey = randomBytes(32).toString('base64');
    app = await openInstallation(source.dataDir, {
      ...source.env,
      BULWARK_MASTER_KEY: oldKey,
      BULWARK_BACKUP_SCHEDULE: '1d',
      BULWARK_BACKUP_DIR: dir,
    });
    const rotated = await runCli(
      ['keys', 'rotate', '--master', '--data', source.dataDir],
      { ...source.env, BULWARK_MASTER_KEY: oldKey },
      `${randomBytes(32).toString('base64')}\n`,
    );
    expect(rotated.code, rotated.stderr).toBe(0);
    expect(await app.backups.runOnce()).toBeNull();
    expect(await typesOf(app, 'backup.failed')).toEqual([
      { file: expect.stringContaining(dir), reason: 'master-key-replaced', scheduled: true },
    ]);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a backup that cannot be written is audited as backup.failed and leaves nothing behind', async () => {
    const source = await place('source');
    // A file where the folder should be: the backup cannot be created.
    const dir = join(root, 'not-a-folder');
    writeFileSync(dir, '');
    app = await openInstallation(source.dataDir, {
      ...source.env,
      BULWARK_BACKUP_SCHEDULE: '6h',
      BULWARK_BACKUP_DIR: dir,
    });
    expect(await app.backups.runOnce()).toBeNull();
    const failed = await typesOf(app, 'backup.failed');
    expect(failed).toEqual([
      { file: expect.stringContaining(dir), reason: expect.stringMatching(/^E[A-Z]+$/), scheduled: true },
    ]);
    expect(app.logs.lines.join('\n')).toContain('scheduled backup to');
    expect(readdirSync(source.dataDir).filter((name) => name.startsWith('.backup-work-'))).toEqual([]);
  });
});
