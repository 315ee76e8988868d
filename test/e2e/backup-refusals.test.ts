// @module-tag slow (starts the real binary many times on one seeded installation)
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openInstallation, seedInstallation } from '../helpers/backup-fixture.js';
import { runCli, runOnTerminal, spawnCli, startServer } from '../helpers/run-cli.js';
import { createTestDatabase, type TestDatabase, withClient } from '../helpers/test-database.js';

/**
 * Issue 17 item 3: `bulwark restore` verifies the whole file before it replaces anything. A
 * flipped byte (header, a middle chunk, a tag), a cut (inside a chunk or at a boundary),
 * swapped chunks, a chunk from another backup, a wrong passphrase or master key: each is
 * refused in one line, exit 1, and the data it would have replaced is exactly as it was.
 */
const PASSPHRASE = 'orchard lantern quietly 7 rivers';
/** From backup-header.ts and sealed-stream.ts: the clear header, then 64 KiB + 16-byte tag per chunk. */
const HEADER_BYTES = 71;
const RECORD_BYTES = 64 * 1024 + 16;

let root: string;
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
let masterBackup: Buffer;
let otherBackup: Buffer;
let passphraseBackup: Buffer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-refusals-'));
  dataDir = join(root, 'data');
  database = await createTestDatabase();
  env = { BULWARK_LOG_LEVEL: 'warn', ...database.env };
  const app = await openInstallation(dataDir, env);
  await seedInstallation(app).finally(() => app.close());
  const backup = async (name: string, extra: string[] = [], input?: string) => {
    const file = join(root, name);
    const result = await runCli(['backup', file, '--data', dataDir, ...extra], env, input);
    expect(result.code, result.stderr).toBe(0);
    return readFileSync(file);
  };
  masterBackup = await backup('a.bwb');
  otherBackup = await backup('b.bwb');
  passphraseBackup = await backup('p.bwb', ['--passphrase-stdin'], `${PASSPHRASE}\n`);
}, 180_000);
afterAll(async () => {
  await database?.drop();
  rmSync(root, { recursive: true, force: true });
});

/** Everything restore could replace: the folder's files (not the lock) and, on PostgreSQL, the tables' contents. */
async function dataState(): Promise<string> {
  const hash = createHash('sha256');
  const walk = (folder: string) => {
    for (const entry of readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (!['server.lock', 'server.pid'].includes(entry.name)) hash.update(`${path}\n`).update(readFileSync(path));
    }
  };
  walk(dataDir);
  const url = database.env.BULWARK_DATABASE_URL;
  if (url) {
    await withClient(url, async (client) => {
      for (const table of ['users', 'collections', 'files', 'audit_log', 'key_check']) {
        const rows = await client.query(
          `SELECT md5(string_agg(t::text, '|' ORDER BY t::text)) AS digest FROM ${table} t`,
        );
        hash.update(`${table}:${rows.rows[0]?.digest}\n`);
      }
    });
  }
  return hash.digest('hex');
}

const flip = (bytes: Buffer, at: number) => {
  const copy = Buffer.from(bytes);
  copy[at] = (copy[at] ?? 0) ^ 0x01;
  return copy;
};
const chunk = (bytes: Buffer, index: number) =>
  bytes.subarray(HEADER_BYTES + index * RECORD_BYTES, HEADER_BYTES + (index + 1) * RECORD_BYTES);
const withChunk = (bytes: Buffer, index: number, replacement: Buffer) =>
  Buffer.concat([
    bytes.subarray(0, HEADER_BYTES + index * RECORD_BYTES),
    replacement,
    bytes.subarray(HEADER_BYTES + (index + 1) * RECORD_BYTES),
  ]);

async function restoreRefused(bytes: Buffer, expected: RegExp, extraEnv: Record<string, string> = {}, input?: string) {
  const file = join(root, `altered-${randomBytes(4).toString('hex')}.bwb`);
  writeFileSync(file, bytes);
  const before = await dataState();
  const args = ['restore', file, '--replace', '--data', dataDir, ...(input ? ['--passphrase-stdin'] : [])];
  const result = await runCli(args, { ...env, ...extraEnv }, input);
  expect(result.code, result.stderr).toBe(1);
  expect(result.stdout).toBe('');
  expect(result.stderr.trim().split('\n'), result.stderr).toHaveLength(1);
  expect(result.stderr).toMatch(expected);
  expect(result.stderr).toContain('nothing was restored; fix: ');
  expect(await dataState()).toBe(before);
  expect(readdirSync(dataDir).filter((name) => name.startsWith('.restore-work-'))).toEqual([]);
}

describe('bulwark restore refuses a file that is not exactly what backup wrote', { timeout: 120_000 }, () => {
  it('has backups of several chunks to alter', () => {
    expect(masterBackup.length).toBeGreaterThan(HEADER_BYTES + 4 * RECORD_BYTES);
  });

  it('a flipped byte in the header', async () => {
    await restoreRefused(flip(masterBackup, 20), /does not open .*or its header was altered/);
    await restoreRefused(flip(masterBackup, 0), /it is not a Bulwark backup/);
  });

  it('a flipped byte in a middle chunk, and in a tag', async () => {
    await restoreRefused(
      flip(masterBackup, HEADER_BYTES + 2 * RECORD_BYTES + 500),
      /was altered or damaged: chunk 2 does not authenticate/,
    );
    await restoreRefused(
      flip(masterBackup, HEADER_BYTES + RECORD_BYTES - 1),
      /was altered or damaged: chunk 0 does not authenticate/,
    );
  });

  it('a file cut inside a chunk, and at a chunk boundary', async () => {
    await restoreRefused(
      masterBackup.subarray(0, masterBackup.length - 100),
      /was altered or damaged: chunk \d+ does not authenticate/,
    );
    await restoreRefused(
      masterBackup.subarray(0, HEADER_BYTES + 3 * RECORD_BYTES),
      /is incomplete: it ends before its last chunk/,
    );
  });

  it('two chunks swapped, and a chunk spliced in from another backup of the same data', async () => {
    const swapped = withChunk(withChunk(masterBackup, 1, chunk(masterBackup, 2)), 2, chunk(masterBackup, 1));
    await restoreRefused(swapped, /chunk 1 does not authenticate/);
    await restoreRefused(withChunk(masterBackup, 1, chunk(otherBackup, 1)), /chunk 1 does not authenticate/);
  });

  it('a wrong passphrase, and a wrong master key', async () => {
    await restoreRefused(
      passphraseBackup,
      /^bulwark: the passphrase does not open /,
      {},
      'another passphrase entirely\n',
    );
    const otherKey = randomBytes(32).toString('base64');
    await restoreRefused(masterBackup, /^bulwark: the master key from BULWARK_MASTER_KEY does not open /, {
      BULWARK_MASTER_KEY: otherKey,
    });
  });

  it('existing data without --replace, and a data folder a server is using', async () => {
    const plain = await runCli(['restore', join(root, 'a.bwb'), '--data', dataDir], env);
    expect(plain.code).toBe(2);
    expect(plain.stderr).toMatch(/already (exists|holds Bulwark data); fix: add --replace/);
    const server = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env), 90_000);
    try {
      const busy = await runCli(['restore', join(root, 'a.bwb'), '--replace', '--data', dataDir], env);
      expect(busy.code).toBe(2);
      expect(busy.stderr).toMatch(
        /^bulwark: another Bulwark server \(pid \d+\) is using the data folder .*; fix: stop that server, then restore\n$/,
      );
      // Refused before anything was read: no staging folder was even made.
      expect(readdirSync(dataDir).filter((name) => name.startsWith('.restore-work-'))).toEqual([]);
    } finally {
      await server.stop();
    }
  });
});

describe('bulwark backup', { timeout: 120_000 }, () => {
  it('refuses, in one line and before writing anything, what it cannot do safely', async () => {
    const existing = join(root, 'a.bwb');
    const fresh = join(root, 'never-written.bwb');
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['backup', '--data', dataDir], undefined, /^bulwark: no backup file given; fix: bulwark backup FILE/],
      [['backup', existing, '--data', dataDir], undefined, /already exists; fix: choose a new file name/],
      [
        ['backup', fresh, '--passphrase', '--data', dataDir],
        undefined,
        /is not one; fix: pipe it with --passphrase-stdin/,
      ],
      [['backup', fresh, '--passphrase-stdin', '--data', dataDir], 'short\n', /shorter than 12 characters; fix: /],
      [
        ['backup', fresh, '--data', join(root, 'nowhere')],
        undefined,
        /^bulwark: no (database at|master key in) .*; fix: pass --data/,
      ],
    ];
    for (const [args, input, message] of cases) {
      const result = await runCli(args, env, input);
      expect(result.code, result.stderr).toBe(2);
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    expect(readdirSync(root)).not.toContain('never-written.bwb');
  });

  it('draws a progress bar on a terminal (and none when piped, as every other test shows)', async () => {
    const file = join(root, 'tty.bwb');
    const { output } = await runOnTerminal(['backup', file, '--data', dataDir], env);
    expect(output).toMatch(/backup \[[^\]]+\] 100% (\d+)\/\1 bytes/);
    expect(output).toContain(`backup written to ${file}`);
  });
});
