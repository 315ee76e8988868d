// @module-tag slow (starts the built binary and openssl: skipped by `npm run test:quick`)
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import AjvDraft04 from 'ajv-draft-04';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCAN_RULES } from '../../src/cli/scan/rules.js';
import { startHttpTarget } from '../helpers/http-target.js';
import { REPO_ROOT, runCli } from '../helpers/run-cli.js';
import {
  createExpiredCertificate,
  createWeakCertificate,
  startWeakHttpServer,
  startWeakHttpsServer,
  type WeakServer,
} from '../helpers/weak-server.js';

interface JsonFinding {
  id: string;
  severity: string;
  evidence: string;
  url: string;
}
interface JsonReport {
  findings: JsonFinding[];
  notes: string[];
  requestsSent: number;
  ok: boolean;
}

/** Each test runs the binary; on two busy cores a run can take seconds. */
const SPAWNING_TEST_TIMEOUT_MS = 120_000;

/** Fast for tests (the default is 5 per second); every other bound stays at its default. */
const FAST = ['--rate', '1000'];

let dir: string;
let weakHttps: WeakServer;
let weakHttp: WeakServer;
let expired: WeakServer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-scan-'));
  weakHttps = await startWeakHttpsServer(createWeakCertificate(dir));
  weakHttp = await startWeakHttpServer();
  expired = await startWeakHttpsServer(createExpiredCertificate(dir));
}, SPAWNING_TEST_TIMEOUT_MS);

afterAll(async () => {
  await Promise.all([weakHttps, weakHttp, expired].map((server) => server?.close()));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function scanJson(args: string[]): Promise<{ code: number | null; report: JsonReport; stderr: string }> {
  const result = await runCli(['scan', ...args, '--json', ...FAST]);
  expect(result.stderr).toBe('');
  return { code: result.code, report: JSON.parse(result.stdout) as JsonReport, stderr: result.stderr };
}

const ids = (report: JsonReport) => new Set(report.findings.map((f) => f.id));

describe('bulwark scan against a deliberately weak server', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  it('raises every finding over HTTPS, each by id, and exits 1 on the high ones', async () => {
    const before = weakHttps.requestCount();
    const { code, report } = await scanJson([`${weakHttps.origin}/`, '--check-sign-in', '/api/login']);
    const found = ids(report);
    // Two rules this server cannot raise: an expired certificate (the next test's server) and
    // 3DES/RC4 when this machine's OpenSSL cannot even offer them (then a note says so).
    const canOffer3des = !report.notes.some((note) => note.startsWith('3DES/RC4 suites not checked'));
    const expected = SCAN_RULES.map((rule) => rule.id).filter(
      (id) => id !== 'tls-certificate-expired' && (canOffer3des || id !== 'tls-cipher-3des-rc4'),
    );
    expect([...found].sort()).toEqual(expected.sort());
    // Every request was answered and every check ran to its end.
    expect(report.notes.filter((note) => !note.startsWith('3DES/RC4 suites not checked'))).toEqual([]);
    expect(code).toBe(1);
    expect(report.ok).toBe(false);

    const byId = new Map(report.findings.map((f) => [f.id, f]));
    // The legacy probes really negotiated the old protocol (not a vacuous pass).
    expect(byId.get('tls-protocol-tls1.0')?.evidence).toMatch(/handshake completed with TLSv1 \(/);
    expect(byId.get('tls-protocol-tls1.1')?.evidence).toMatch(/handshake completed with TLSv1\.1 \(/);
    expect(byId.get('tls-weak-key')?.evidence).toBe('RSA key of 1024 bits');
    expect(byId.get('cors-origin-reflected')?.severity).toBe('high');
    expect(byId.get('cors-null-origin')?.severity).toBe('high');
    expect(byId.get('open-redirect')?.url).toContain('/login?');
    expect(byId.get('error-verbose')?.evidence).toMatch(/^stack trace in a 400 body/);
    // Judged by content: the soft-404 pages (status 200) for /db.sqlite, /.env.bak and the rest are no finding.
    expect(
      report.findings
        .filter((f) => f.id.startsWith('exposed-'))
        .map((f) => new URL(f.url).pathname)
        .sort(),
    ).toEqual(['/.DS_Store', '/.env', '/.git/config', '/backup.zip'].sort());
    // Evidence names the variables of the exposed .env, never their values.
    expect(byId.get('exposed-env-file')?.evidence).toBe('200 with variables DB_PASSWORD, API_KEY');
    expect(JSON.stringify(report)).not.toContain('not-a-real-secret');
    // Every request the server saw is one the scanner counted, within the default budget of 150.
    expect(weakHttps.requestCount() - before).toBe(report.requestsSent);
    expect(report.requestsSent).toBeLessThanOrEqual(150);
  });

  it('reports an expired certificate as high', async () => {
    const { code, report } = await scanJson([expired.origin]);
    const certificate = report.findings.find((f) => f.id === 'tls-certificate-expired');
    expect(certificate?.severity).toBe('high');
    expect(certificate?.evidence).toContain('2020');
    expect(code).toBe(1);
  });

  it('over plain HTTP prints a table and judges neither HSTS nor the Secure flag', async () => {
    const result = await runCli(['scan', weakHttp.origin, ...FAST]);
    expect(result.code).toBe(1);
    const [first, header] = result.stdout.split('\n');
    expect(first).toMatch(/^scanned http:\/\/127\.0\.0\.1:\d+\/ with \d+ requests$/);
    expect(header).toMatch(/^check\s+severity\s+finding\s+evidence$/);
    for (const id of ['cors-origin-reflected', 'exposed-git', 'http-trace-enabled', 'cookie-httponly-missing']) {
      expect(result.stdout).toContain(id);
    }
    for (const id of ['header-hsts', 'cookie-secure-missing', 'tls-', 'sign-in-not-rate-limited']) {
      expect(result.stdout).not.toContain(id);
    }
  });

  it('never sends more than --max-requests and names the checks it could not finish', async () => {
    const before = weakHttp.requestCount();
    const { report } = await scanJson([weakHttp.origin, '--max-requests', '6']);
    expect(weakHttp.requestCount() - before).toBe(6);
    expect(report.requestsSent).toBe(6);
    expect(report.notes).toContainEqual(
      expect.stringMatching(
        /^request budget of 6 spent; not \(fully\) checked: CORS, exposed files, open redirects, HTTP methods$/,
      ),
    );
  });

  it('writes SARIF 2.1.0 that the official schema accepts', async () => {
    const result = await runCli(['scan', weakHttps.origin, '--sarif', ...FAST]);
    expect(result.code).toBe(1);
    const sarif = JSON.parse(result.stdout);
    const schemaPath = join(REPO_ROOT, 'node_modules/@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');
    // A CommonJS module: its class is the default export's `default`, as with ajv-formats in src/cli.
    // The schema's patterns are ECMA 262 without the u flag (one has an unescaped `]`).
    const ajv = new AjvDraft04.default({ allErrors: true, strict: false, unicodeRegExp: false });
    ajv.addFormat('uri', (value: string) => URL.canParse(value));
    ajv.addFormat('uri-reference', (value: string) => URL.canParse(value, 'http://base.invalid/'));
    ajv.addFormat('date-time', (value: string) => !Number.isNaN(Date.parse(value)));
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    expect(validate(sarif), JSON.stringify(validate.errors, null, 2)).toBe(true);

    const [run] = sarif.runs;
    expect(run.tool.driver.rules.map((rule: { id: string }) => rule.id)).toEqual(SCAN_RULES.map((rule) => rule.id));
    const tls10 = run.results.find((r: { ruleId: string }) => r.ruleId === 'tls-protocol-tls1.0');
    expect(tls10.level).toBe('error');
    expect(run.tool.driver.rules[tls10.ruleIndex].id).toBe('tls-protocol-tls1.0');
    expect(tls10.locations[0].physicalLocation.artifactLocation.uri).toBe(weakHttps.origin);
  });

  it('never follows a redirect, so nothing reaches another origin', async () => {
    const elsewhere = await startHttpTarget('127.0.0.1', (_request, response) => response.end('elsewhere'));
    const redirecting = createServer((_req, res) => res.writeHead(302, { Location: `${elsewhere.origin}/` }).end());
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = redirecting.address() as AddressInfo;
      const { report } = await scanJson([`http://127.0.0.1:${port}/`]);
      expect(report.requestsSent).toBeGreaterThan(10);
      expect(elsewhere.received).toHaveLength(0);
    } finally {
      redirecting.closeAllConnections();
      await new Promise((resolve) => redirecting.close(resolve));
      await elsewhere.close();
    }
  });
});

describe('bulwark scan usage errors', { timeout: SPAWNING_TEST_TIMEOUT_MS }, () => {
  it.each([
    ['not-a-url', /^bulwark: "not-a-url" is not a URL; fix: give one like https:\/\/api\.example\.com\/\n$/],
    ['ftp://127.0.0.1/', /^bulwark: ftp: is not scanned; fix: give an http:\/\/ or https:\/\/ URL\n$/],
  ])('refuses %s with one line and exit 2', async (url, message) => {
    const result = await runCli(['scan', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it.each(['http', 'https'])(
    'says in one line that an unreachable %s target cannot be reached (exit 2)',
    async (scheme) => {
      const closed = createServer();
      await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
      const { port } = closed.address() as AddressInfo;
      await new Promise((resolve) => closed.close(resolve));
      const result = await runCli(['scan', `${scheme}://127.0.0.1:${port}/`]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(
        `bulwark: cannot reach ${scheme}://127.0.0.1:${port} (ECONNREFUSED); fix: check the URL and that the server is running\n`,
      );
    },
  );
});
