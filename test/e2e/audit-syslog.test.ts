// @module-tag slow (starts rsyslog and the real binary: skipped by `npm run test:quick`)
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { openSyslogConnection, parseSyslogUrl } from '../../src/features/audit/shipping/syslog-connection.js';
import { createTestCertificateAuthority } from '../helpers/certificates.js';
import { foreignAuditType } from '../helpers/foreign-audit-type.js';
import { RSYSLOGD, type RsyslogServer, startRsyslog } from '../helpers/rsyslog-server.js';
import { runCli } from '../helpers/run-cli.js';
import { LogCapture } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * Issue 16 item 5: the audit log shipped as RFC 5424 over TLS (RFC 5425 octet counting) to a
 * real rsyslogd that accepts TLS only, verified against a throwaway CA; delivery from the
 * durable cursor across a receiver outage; `bulwark log verify --against` the receiver's file.
 * The tests run in order on one server and one receiver, as an operator's day would.
 */

let root: string;
let dataDir: string;
let database: TestDatabase;
let rsyslog: RsyslogServer;
let env: Record<string, string>;
let app: (BulwarkApp & { logs: LogCapture }) | null = null;

beforeAll(async () => {
  if (!existsSync(RSYSLOGD)) {
    throw new Error(
      'rsyslogd is not installed: run scripts/services.sh as root (it installs rsyslog and rsyslog-gnutls)',
    );
  }
  root = mkdtempSync(join(tmpdir(), 'bulwark-syslog-'));
  const receiverDir = join(root, 'receiver');
  mkdirSync(receiverDir);
  const ca = createTestCertificateAuthority(root);
  const serverCert = ca.issue('rsyslog');
  rsyslog = await startRsyslog({
    dir: receiverDir,
    caFile: ca.certPath,
    certFile: serverCert.certPath,
    keyFile: serverCert.keyPath,
  });
  database = await createTestDatabase();
  dataDir = join(root, 'data');
  env = {
    ...database.env,
    BULWARK_AUDIT_SYSLOG_URL: `syslog+tls://127.0.0.1:${rsyslog.port}`,
    BULWARK_AUDIT_SYSLOG_CA_FILE: ca.certPath,
    BULWARK_AUDIT_SYSLOG_HOSTNAME: 'api-1.example',
    // Back quickly once the receiver is back: the outage test waits for it.
    BULWARK_AUDIT_SYSLOG_RECONNECT_MAX_MS: '200',
  };
  const logs = new LogCapture();
  const config = loadConfig({
    env: { ...env, BULWARK_DATA_DIR: dataDir, BULWARK_PORT: '0', BULWARK_LOG_LEVEL: 'info' },
    cwd: root,
  });
  app = Object.assign(await createApp({ config, logStream: logs }), { logs });
  await app.start();
});

afterAll(async () => {
  await app?.stop();
  await rsyslog?.stop();
  await database?.drop();
  if (root) rmSync(root, { recursive: true, force: true });
});

function running(): BulwarkApp & { logs: LogCapture } {
  if (!app) throw new Error('the server is not running');
  return app;
}

async function localSeqs(): Promise<number[]> {
  const rows = await running().database.db.selectFrom('audit_log').select('seq').orderBy('seq').execute();
  return rows.map((row) => Number(row.seq));
}

/** The seq of each line of the receiver's file, in file order, read from the structured data. */
function shippedSeqs(lines = rsyslog.lines()): number[] {
  return lines.map((line) => Number(/\[bulwark@32473 seq="(\d+)"/.exec(line)?.[1] ?? Number.NaN));
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const hasAll = (seqs: number[]) => {
  const shipped = new Set(shippedSeqs());
  return seqs.every((seq) => shipped.has(seq));
};

/** Seqs in the order they first appear: delivery order, resent duplicates set aside. */
const firstAppearances = (seqs: number[]) => [...new Set(seqs)];

describe('shipping the audit log to rsyslog over TLS', () => {
  it('sends every entry over TLS in order, as RFC 5424 with the entry in MSG', async () => {
    const audit = running().audit;
    for (let i = 1; i <= 4; i++)
      await audit.record({ type: foreignAuditType('test.event'), actor: `user-${i}`, details: { i } });
    await audit.record({
      type: 'auth.login.failure',
      actor: 'we"ird] \\ actor',
      ip: '2001:db8::7',
      details: { note: 'zürich\nline two' },
    });
    const local = await localSeqs();
    await waitUntil(() => hasAll(local), `entries ${local.join(',')} are in ${rsyslog.file}`);
    expect(shippedSeqs()).toEqual(local);

    const lines = rsyslog.lines();
    const failure = lines.at(-1) ?? '';
    // authpriv (10) × 8 + warning (4); the entry's own time; MSGID the event type.
    expect(failure).toMatch(
      /^<84>1 \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z api-1\.example bulwark \d+ auth\.login\.failure \[bulwark@32473 seq="\d+" hash="[0-9a-f]{64}" actor="we\\"ird\\] \\\\ actor" ip="2001:db8::7"\] \{/,
    );
    expect(failure).not.toMatch(/[^ -~]/);
    const message = JSON.parse(failure.slice(failure.indexOf('] {') + 2)) as Record<string, unknown>;
    const [stored] = await running().audit.listRecent(1);
    expect(message).toMatchObject({
      seq: stored?.seq,
      atMs: stored?.atMs,
      actor: 'we"ird] \\ actor',
      details: { note: 'zürich\nline two' },
      hash: stored?.hash,
      prevHash: stored?.prevHash,
    });
    expect(shippedSeqs(lines)[0]).toBe(1);
    // notice (5): the server's own start.
    expect(lines.find((line) => line.includes(' server.start '))).toMatch(/^<85>1 /);
  });

  it('after the receiver was down, every entry written meanwhile arrives, in order, none missing', async () => {
    const beforeOutage = await localSeqs();
    await rsyslog.stop();
    const audit = running().audit;
    for (let i = 1; i <= 5; i++) await audit.record({ type: foreignAuditType('test.during-outage'), details: { i } });
    await waitUntil(
      () => running().logs.text.includes(`audit shipping to syslog+tls://127.0.0.1:${rsyslog.port} failed`),
      'the shipper reports the receiver down',
    );
    await rsyslog.start();
    const local = await localSeqs();
    await waitUntil(() => hasAll(local), 'every entry is in the file after the outage');

    const seqs = shippedSeqs();
    expect(firstAppearances(seqs)).toEqual(local);
    expect(seqs.filter((seq) => Number.isNaN(seq))).toEqual([]);
    // At least once: the resend may repeat the last batch written before the outage, nothing else.
    const lastBefore = beforeOutage.at(-1) ?? 0;
    const repeated = [...new Set(seqs.filter((seq, i) => seqs.indexOf(seq) !== i))];
    expect(repeated.every((seq) => seq <= lastBefore)).toBe(true);
    if (repeated.length > 0) {
      const first = repeated[0] ?? 0;
      expect(repeated).toEqual(Array.from({ length: lastBefore - first + 1 }, (_, i) => first + i));
    }
    // The entries reach the file before the shipper has recorded its round (the cursor write) and said so.
    await waitUntil(
      () => running().logs.text.includes(`audit shipping to syslog+tls://127.0.0.1:${rsyslog.port} resumed`),
      'the shipper reports the receiver back',
    );
  });

  it('log verify --against the receiver’s file passes, and names an edited, a removed and a forged line', async () => {
    const beforeStop = await localSeqs();
    await running().stop();
    app = null;
    // The `server.stop` entry is written at shutdown and sent before the database closes.
    await waitUntil(() => hasAll([...beforeStop, (beforeStop.at(-1) ?? 0) + 1]), 'the server.stop entry arrives');
    const lines = rsyslog.lines();
    const last = Math.max(...shippedSeqs(lines));
    expect(lines.at(-1)).toMatch(/ server\.stop \[bulwark@32473 /);

    const verify = (file: string) =>
      runCli(['log', 'verify', '--data', dataDir, '--against', file], { ...env, BULWARK_LOG_LEVEL: 'warn' });
    const intact = await verify(rsyslog.file);
    expect(intact.stderr).toBe('');
    expect(intact.stdout).toContain(`audit log intact: ${last} entries verified`);
    expect(intact.stdout).toMatch(new RegExp(`shipped copy .* matches: ${last} entries`));
    expect(intact.code).toBe(0);

    // An entry sent once (written during the outage, after the resent batch).
    const target = lines.findIndex(
      (line) => line.includes(' test.during-outage ') && line.includes('"details":{"i":3}'),
    );
    const targetSeq = shippedSeqs([lines[target] ?? ''])[0];
    expect(shippedSeqs(lines).filter((seq) => seq === targetSeq)).toHaveLength(1);
    const edited = join(root, 'edited.log');
    writeFileSync(
      edited,
      `${lines.map((line, i) => (i === target ? line.replace('"details":{"i":3}', '"details":{"i":9}') : line)).join('\n')}\n`,
    );
    const afterEdit = await verify(edited);
    expect(afterEdit.stdout).toContain(
      `altered in copy: line ${target + 1} (entry ${targetSeq}): its content does not match its hash`,
    );
    expect(afterEdit.stdout).toContain(`missing from copy: entry ${targetSeq} (test.during-outage) is not in the copy`);
    expect(afterEdit.code).toBe(1);

    const removed = join(root, 'removed.log');
    writeFileSync(removed, `${lines.filter((_, i) => i !== target).join('\n')}\n`);
    const afterRemoval = await verify(removed);
    expect(afterRemoval.stdout).toContain(
      `missing from copy: entry ${targetSeq} (test.during-outage) is not in the copy`,
    );
    expect(afterRemoval.code).toBe(1);

    const forged = join(root, 'forged.log');
    const forgedLine = (lines[target] ?? '')
      .replaceAll(`seq="${targetSeq}"`, `seq="${last + 1}"`)
      .replace(`"seq":${targetSeq},`, `"seq":${last + 1},`);
    writeFileSync(forged, `${[...lines, forgedLine].join('\n')}\n`);
    const afterForgery = await verify(forged);
    expect(afterForgery.stdout).toContain(
      `altered in copy: line ${lines.length + 1} (entry ${last + 1}): its content does not match its hash`,
    );
    expect(afterForgery.code).toBe(1);
    expect(readFileSync(rsyslog.file, 'utf8')).toBe(`${lines.join('\n')}\n`);
  });

  it('does not send to a receiver whose certificate the configured CA did not sign', async () => {
    const stranger = createTestCertificateAuthority(root, 'stranger-ca');
    const target = { ...parseSyslogUrl(`syslog+tls://127.0.0.1:${rsyslog.port}`), ca: readFileSync(stranger.certPath) };
    await expect(openSyslogConnection(target)).rejects.toThrow(/certificate/);
  });
});
