// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { foreignAuditType } from '../helpers/foreign-audit-type.js';
import { runCli, runOnTerminal } from '../helpers/run-cli.js';
import { LogCapture } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark log export` with the real binary against a server's data (issue 16 item 4): JSON
 * lines in chain order to stdout or to a new private file, a time range, a progress bar only on
 * a terminal, one-line errors, and the export itself in the audit log.
 */

let root: string;
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
let app: BulwarkApp;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-export-'));
  dataDir = join(root, 'data');
  database = await createTestDatabase();
  env = { ...database.env, BULWARK_LOG_LEVEL: 'warn' };
  const config = loadConfig({
    env: { ...env, BULWARK_DATA_DIR: dataDir, BULWARK_PORT: '0', BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0' },
    cwd: dataDir,
  });
  app = await createApp({ config, logStream: new LogCapture() });
  for (let i = 0; i < 1200; i++)
    await app.audit.record({ type: foreignAuditType('test.export'), actor: `user-${i % 7}`, details: { i } });
  await app.audit.flush();
});
afterAll(async () => {
  await app.stop('test finished');
  await database.drop();
  rmSync(root, { recursive: true, force: true });
});

const exportLog = (...args: string[]) => runCli(['log', 'export', ...args, '--data', dataDir], env);

interface Line {
  seq: number;
  at: string;
  type: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}
const parseLines = (text: string): Line[] =>
  text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Line);

async function exportEvents() {
  const rows = await app.database.db.selectFrom('audit_log').selectAll().where('type', '=', 'audit.export').execute();
  return rows.map((row) => ({ actor: row.actor, details: JSON.parse(row.details) as Record<string, unknown> }));
}

describe('bulwark log export', () => {
  it('streams every entry of the range as JSON lines in chain order, and audits the export', async () => {
    const until = new Date().toISOString();
    const result = await exportLog('--since', '24h', '--until', until);
    expect(result.code, result.stderr).toBe(0);
    const lines = parseLines(result.stdout);
    expect(lines.filter((line) => line.type === 'test.export')).toHaveLength(1200);
    // In chain order, each line linked to the one before: the export can be checked on its own.
    for (let i = 1; i < lines.length; i++) {
      expect(lines[i]?.seq).toBe((lines[i - 1]?.seq ?? 0) + 1);
      expect(lines[i]?.prevHash).toBe(lines[i - 1]?.hash);
    }
    // Not a terminal: no progress bar, only the one summary line.
    expect(result.stderr).toBe(`exported ${lines.length} entries\n`);
    expect(await exportEvents()).toContainEqual({
      actor: 'cli',
      details: { since: expect.any(String), until, entries: lines.length, to: 'stdout' },
    });
  });

  it('writes a new file with mode 0600 and never overwrites one', async () => {
    const file = join(root, 'audit.jsonl');
    const written = await exportLog('--since', '7d', '--output', file);
    expect(written.code, written.stderr).toBe(0);
    expect(written.stdout).toBe('');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(parseLines(readFileSync(file, 'utf8')).length).toBeGreaterThanOrEqual(1200);
    const again = await exportLog('--since', '7d', '--output', file);
    expect(again.code).toBe(2);
    expect(again.stderr).toBe(`bulwark: ${file} already exists; fix: choose another --output or remove it\n`);
  });

  it('--since and --until bound the range by instant', async () => {
    const rows = await app.database.db.selectFrom('audit_log').select(['seq', 'at_ms']).orderBy('seq').execute();
    const middle = rows[600];
    if (!middle) throw new Error('no entries');
    const at = new Date(middle.at_ms).toISOString();
    const lines = parseLines((await exportLog('--since', at, '--until', at)).stdout);
    expect(lines.map((line) => line.seq)).toContain(middle.seq);
    expect(lines.every((line) => line.at === at)).toBe(true);
  });

  it('draws a progress bar on stderr when it is a terminal', async () => {
    const file = join(root, 'tty.jsonl');
    const { output } = await runOnTerminal(
      ['log', 'export', '--since', '24h', '--data', dataDir, '--output', file],
      env,
    );
    expect(output).toMatch(/export \[[^\]]+\] 100% (\d+)\/\1 entries/);
    expect(output).toMatch(/exported \d+ entries to /);
  });

  it('refuses bad values in one line saying what to do, and writes nothing', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['--since', 'yesterday'], /^bulwark: --since yesterday is not a time; fix: /],
      [['--since', '2026-12-05T10:00:00'], /^bulwark: --since 2026-12-05T10:00:00 is not a time; fix: /],
      [['--since', '24h', '--format', 'csv'], /^bulwark: unknown --format csv; fix: use --format jsonl/],
      [['--since', '1h', '--until', '2d'], /^bulwark: --until is before --since; fix: /],
    ];
    for (const [args, message] of cases) {
      const result = await exportLog(...args);
      expect(result.code).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr.trim().split('\n')).toHaveLength(1);
      expect(result.stderr).toMatch(message);
    }
    const elsewhere = await runCli(['log', 'export', '--since', '1d', '--data', join(root, 'missing')], {});
    expect(elsewhere.code).toBe(2);
    expect(elsewhere.stderr).toMatch(/^bulwark: no database at .*; fix: pass --data/);
  });
});
