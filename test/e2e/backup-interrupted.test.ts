// @module-tag slow (runs the real binary on a seeded installation with a 2 GiB stored file)
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filesFolder } from '../../src/features/files/index.js';
import { openInstallation } from '../helpers/backup-fixture.js';
import { newAdmin } from '../helpers/collections-client.js';
import { spawnCli } from '../helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { waitUntil } from '../helpers/webhook-receiver.js';

/**
 * `bulwark backup` stopped by Ctrl-C half-way leaves nothing that could pass for a backup: the
 * partial file and the work folder are removed, it says so in one line, exits 130 as a command
 * stopped by Ctrl-C does, and the failure is audited. A large stored file (sparse, so it costs
 * no disk) keeps the backup running long enough to be stopped while it writes.
 */
let root: string;
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-interrupted-'));
  dataDir = join(root, 'data');
  database = await createTestDatabase();
  env = { BULWARK_LOG_LEVEL: 'warn', ...database.env };
  const app = await openInstallation(dataDir, env);
  await newAdmin(app).finally(() => app.close());
  const folder = join(filesFolder(dataDir), 'c_big', 'r1');
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'large.bin'), '');
  truncateSync(join(folder, 'large.bin'), 2 * 1024 ** 3);
}, 120_000);
afterAll(async () => {
  await database?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('bulwark backup stopped by Ctrl-C', { timeout: 120_000 }, () => {
  it('removes the partial file and its work folder, says so, exits 130 and audits it', async () => {
    const out = join(root, 'stopped.bwb');
    const child = spawnCli(['backup', out, '--data', dataDir], env);
    let stderr = '';
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.stdin?.end();
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (code, signal) => resolve({ code, signal })),
    );
    // Well under way: the header and a few megabytes of the sealed archive are on disk.
    await waitUntil(() => existsSync(out) && statSync(out).size > 4 * 1024 ** 2, 'the backup is being written');
    child.kill('SIGINT');
    const { code, signal } = await exited;

    expect({ code, signal }).toEqual({ code: 130, signal: null });
    expect(stderr).toContain(`the backup was stopped (SIGINT) before it was complete; the partial ${out} was removed`);
    expect(existsSync(out)).toBe(false);
    expect(readdirSync(dataDir).filter((name) => name.startsWith('.backup-work-'))).toEqual([]);

    const app = await openInstallation(dataDir, env);
    try {
      const [failed] = await app.audit.listRecent(10, 'backup.failed');
      expect(failed?.details).toMatchObject({ file: out, reason: 'interrupted' });
    } finally {
      await app.close();
    }
  });
});
