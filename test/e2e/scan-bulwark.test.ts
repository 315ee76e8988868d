// @module-tag slow (starts the real binary twice and openssl: skipped by `npm run test:quick`)
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createTestCertificateAuthority } from '../helpers/certificates.js';
import { runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { useServeFixture } from '../helpers/serve-fixture.js';

/** A start and a scan take seconds on a machine shared with other test runs. */
const START_TIMEOUT_MS = 90_000;
const TEST_TIMEOUT_MS = 120_000;
const fixture = useServeFixture('bulwark-scan-self-');
let tlsDir: string | undefined;
afterEach(() => {
  if (tlsDir) rmSync(tlsDir, { recursive: true, force: true });
});

/**
 * Low findings Bulwark may show and why they are acceptable: none today. A new one must be
 * named here with its reason, or fixed.
 */
const ACCEPTED_LOW: readonly string[] = [];

it('finds nothing high or medium on Bulwark itself over TLS, sign-in throttling included', {
  timeout: TEST_TIMEOUT_MS,
}, async () => {
  tlsDir = mkdtempSync(join(tmpdir(), 'bulwark-scan-tls-'));
  const authority = createTestCertificateAuthority(tlsDir);
  // 90 days: a certificate within 30 days of its end is itself a medium finding.
  const leaf = authority.issue('bulwark', 90);
  chmodSync(leaf.keyPath, 0o600);
  const server = await startServer(
    spawnCli(['serve', '--port', '0', '--data', fixture.dataDir], {
      ...fixture.env,
      BULWARK_TLS_CERT: leaf.certPath,
      BULWARK_TLS_KEY: leaf.keyPath,
    }),
    START_TIMEOUT_MS,
  );
  fixture.running.push(server);
  expect(server.url).toMatch(/^https:\/\//);

  const result = await runCli([
    'scan',
    `${server.url}/`,
    '--json',
    '--rate',
    '1000',
    '--ca',
    authority.certPath,
    '--check-sign-in',
    '/api/auth/login',
  ]);
  expect(result.stderr).toBe('');
  const report = JSON.parse(result.stdout) as {
    findings: Array<{ id: string; severity: string; evidence: string }>;
    notes: string[];
    requestsSent: number;
  };
  expect(report.findings.filter((f) => f.severity !== 'low')).toEqual([]);
  expect(report.findings.map((f) => f.id).filter((id) => !ACCEPTED_LOW.includes(id))).toEqual([]);
  // Every check ran to its end: the only possible note is about suites this OpenSSL cannot offer.
  expect(report.notes.filter((note) => !note.startsWith('3DES/RC4 suites not checked'))).toEqual([]);
  // The sign-in probe was answered and throttled before its bound of 30 attempts: at most 34
  // requests for the other checks (fewer when a check stops at its first finding) plus the attempts.
  expect(report.requestsSent).toBeGreaterThan(34);
  expect(report.requestsSent).toBeLessThan(34 + 30);
  expect(result.code).toBe(0);
});
