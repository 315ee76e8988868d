// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { advisoryFindings, checkDependencyAdvisories } from '../../src/cli/dependency-advisories.js';
import type { Finding } from '../../src/config/index.js';
import { unavoidableAuditFindings } from '../helpers/audit-run.js';

/**
 * `bulwark audit` against a local stand-in for npm's advisory endpoint. What npm 11 does, found by
 * logging a real `npm audit --omit=dev --json --registry <stand-in>` run:
 * - POST /-/npm/v1/security/advisories/bulk, content-encoding gzip, body { "<package>": ["<version>", ...] }
 *   naming every production package of package-lock.json;
 * - a 200 answer `{}` means no advisories; `{ "<package>": [advisory, ...] }` reports them, after which npm
 *   GETs the packument `/<package>` to work out the affected versions (without it npm fails with
 *   "loading from incorrect packument");
 * - a 500 answer or a refused connection makes npm exit 1 printing `{ message, error: { summary: '' } }`.
 */

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NPM_TIMEOUT_MS = 60_000;
/** A package that really is in the production tree, with the version package-lock.json installs. */
const VULNERABLE_PACKAGE = 'fastify';
const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version?: string; dev?: boolean }>;
};
const installed = lock.packages[`node_modules/${VULNERABLE_PACKAGE}`];
const INSTALLED_VERSION = installed?.version ?? '';

type Mode = 'high' | 'none' | 'error';

interface StandIn {
  url: string;
  /** Bulk advisory requests npm sent, decompressed: package name → versions. */
  bulkBodies: Record<string, string[]>[];
  requests: string[];
}

const servers: Server[] = [];
const tempDirs: string[] = [];

async function startStandIn(mode: Mode): Promise<StandIn> {
  const standIn: StandIn = { url: '', bulkBodies: [], requests: [] };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const [status, value] = answer(mode, standIn, req, Buffer.concat(chunks));
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(value));
    });
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  return standIn;
}

/** What the stand-in replies: HTTP status and JSON body. */
function answer(mode: Mode, standIn: StandIn, req: IncomingMessage, raw: Buffer): [number, unknown] {
  standIn.requests.push(`${req.method} ${req.url}`);
  if (req.method === 'POST' && req.url === '/-/npm/v1/security/advisories/bulk') {
    const body = req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    standIn.bulkBodies.push(JSON.parse(body.toString('utf8')) as Record<string, string[]>);
    if (mode === 'error') return [500, { error: 'stand-in failure' }];
    if (mode === 'none') return [200, {}];
    return [
      200,
      {
        [VULNERABLE_PACKAGE]: [
          {
            id: 1_000_001,
            url: 'https://example.invalid/advisories/1000001',
            title: 'Stand-in high advisory',
            severity: 'high',
            vulnerable_versions: '>=0.0.0',
            cwe: [],
            cvss: { score: 7.5, vectorString: null },
          },
        ],
      },
    ];
  }
  if (req.method === 'GET' && req.url === `/${VULNERABLE_PACKAGE}`) {
    // npm reads the packument to turn the advisory's range into the affected installed versions.
    return [
      200,
      {
        name: VULNERABLE_PACKAGE,
        'dist-tags': { latest: INSTALLED_VERSION },
        versions: {
          [INSTALLED_VERSION]: {
            name: VULNERABLE_PACKAGE,
            version: INSTALLED_VERSION,
            dist: { tarball: `${standIn.url}${VULNERABLE_PACKAGE}/-/${VULNERABLE_PACKAGE}-${INSTALLED_VERSION}.tgz` },
          },
        },
      },
    ];
  }
  return [404, { error: 'not found' }];
}

/** A port nothing listens on: bound, then released. */
async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
  return `http://127.0.0.1:${port}/`;
}

async function privateTempDir(prefix: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  await chmod(dir, 0o700);
  tempDirs.push(dir);
  return dir;
}

let npmCache = '';

beforeAll(async () => {
  // Keep npm's packument cache and logs for these throwaway registries out of the user's ~/.npm.
  npmCache = await privateTempDir('bulwark-npm-cache-');
  vi.stubEnv('npm_config_cache', npmCache);
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all(
    servers.map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    ),
  );
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('the stand-in matches what npm audit sends', { timeout: NPM_TIMEOUT_MS }, () => {
  it('gets the production tree, gzip-compressed, and nothing from devDependencies', async () => {
    expect(installed?.dev).not.toBe(true);
    expect(INSTALLED_VERSION).toMatch(/^\d+\.\d+\.\d+/);
    const standIn = await startStandIn('none');
    await checkDependencyAdvisories({ registry: standIn.url });
    expect(standIn.requests).toEqual(['POST /-/npm/v1/security/advisories/bulk']);
    const [body] = standIn.bulkBodies;
    expect(body?.[VULNERABLE_PACKAGE]).toContain(INSTALLED_VERSION);
    expect(body).not.toHaveProperty('vitest');
    expect(body).not.toHaveProperty('typescript');
  });
});

describe('checkDependencyAdvisories and advisoryFindings', { timeout: NPM_TIMEOUT_MS }, () => {
  it('turns a high advisory for an installed package into a vulnerable-dependencies finding', async () => {
    const standIn = await startStandIn('high');
    const result = await checkDependencyAdvisories({ registry: standIn.url });
    expect(standIn.requests).toContain(`GET /${VULNERABLE_PACKAGE}`);
    expect(result.checked).toBe(true);
    if (!result.checked) return;
    expect(result.counts.high).toBeGreaterThanOrEqual(1);
    expect(result.counts.critical).toBe(0);
    const findings = advisoryFindings(result);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'vulnerable-dependencies', severity: 'high' });
    expect(findings[0]?.message).toContain(`${result.counts.high} high`);
  });

  it('reports zero counts and no finding when the service knows no advisories', async () => {
    const standIn = await startStandIn('none');
    const result = await checkDependencyAdvisories({ registry: standIn.url });
    expect(standIn.bulkBodies).toHaveLength(1);
    expect(result).toEqual({ checked: true, counts: { critical: 0, high: 0, moderate: 0, low: 0, info: 0 } });
    expect(advisoryFindings(result)).toEqual([]);
  });

  it('treats an HTTP 500 from the service as not checked, naming the reason', async () => {
    const standIn = await startStandIn('error');
    const result = await checkDependencyAdvisories({ registry: standIn.url });
    expect(standIn.bulkBodies.length).toBeGreaterThanOrEqual(1);
    expect(result.checked).toBe(false);
    if (result.checked) return;
    expect(result.reason).toContain('500');
    const findings = advisoryFindings(result);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'advisories-not-checked', severity: 'medium' });
    expect(findings[0]?.message).toContain(result.reason);
    expect(findings[0]?.message).toMatch(/500 Internal Server Error/);
  });

  it('treats a closed port as not checked, naming the reason', async () => {
    const result = await checkDependencyAdvisories({ registry: await closedPortUrl() });
    expect(result.checked).toBe(false);
    if (result.checked) return;
    const findings = advisoryFindings(result);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ id: 'advisories-not-checked', severity: 'medium' });
    expect(findings[0]?.message).toContain('ECONNREFUSED');
  });
});

interface CliRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `bulwark audit` as a user would, with a private data folder and no other BULWARK_* settings. */
async function runCli(args: string[]): Promise<CliRun> {
  const dataDir = await privateTempDir('bulwark-audit-data-');
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('BULWARK_')) env[name] = value;
  }
  env.BULWARK_DATA_DIR = dataDir;
  env.npm_config_cache = npmCache;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/main.js', 'audit', ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      stdout += text;
    });
    child.stderr.setEncoding('utf8').on('data', (text: string) => {
      stderr += text;
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), NPM_TIMEOUT_MS - 5_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function parseReport(run: CliRun): { findings: Finding[]; ok: boolean } {
  try {
    return JSON.parse(run.stdout) as { findings: Finding[]; ok: boolean };
  } catch {
    throw new Error(`bulwark audit --json printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** The high findings this machine raises whatever the advisories say: an end-of-life Node.js. */
const UNAVOIDABLE_HIGH = unavoidableAuditFindings().filter((id) => id === 'node-end-of-life');
const highIds = (report: { findings: Finding[] }) =>
  report.findings.filter((finding) => finding.severity === 'high').map((finding) => finding.id);

describe('bulwark audit --advisory-registry', { timeout: NPM_TIMEOUT_MS }, () => {
  it('exits 1 and lists vulnerable-dependencies when a high advisory exists', async () => {
    const standIn = await startStandIn('high');
    const run = await runCli(['--json', '--advisory-registry', standIn.url]);
    const report = parseReport(run);
    expect(standIn.bulkBodies).toHaveLength(1);
    expect(report.findings).toContainEqual(
      expect.objectContaining({ id: 'vulnerable-dependencies', severity: 'high' }),
    );
    expect(report.ok).toBe(false);
    expect(run.code).toBe(1);
  });

  it('exits 0 with ok: true when there are no advisories (1 on an end-of-life Node.js)', async () => {
    const standIn = await startStandIn('none');
    const run = await runCli(['--json', '--advisory-registry', standIn.url]);
    const report = parseReport(run);
    expect(standIn.bulkBodies).toHaveLength(1);
    const ids = report.findings.map((finding) => finding.id);
    expect(ids).not.toContain('vulnerable-dependencies');
    expect(ids).not.toContain('advisories-not-checked');
    expect(highIds(report)).toEqual(UNAVOIDABLE_HIGH);
    expect(report.ok).toBe(UNAVOIDABLE_HIGH.length === 0);
    expect(run.code).toBe(UNAVOIDABLE_HIGH.length === 0 ? 0 : 1);
  });

  it('reports advisories-not-checked as medium, not high, when the service answers 500', async () => {
    const standIn = await startStandIn('error');
    const run = await runCli(['--json', '--advisory-registry', standIn.url]);
    const report = parseReport(run);
    expect(standIn.bulkBodies.length).toBeGreaterThanOrEqual(1);
    const notChecked = report.findings.find((finding) => finding.id === 'advisories-not-checked');
    expect(notChecked).toMatchObject({ severity: 'medium' });
    expect(notChecked?.message).toContain('500');
    expect(highIds(report)).toEqual(UNAVOIDABLE_HIGH);
    expect(run.code).toBe(UNAVOIDABLE_HIGH.length === 0 ? 0 : 1);
  });

  it('prints advisories-not-checked as a table row without --json', async () => {
    const standIn = await startStandIn('error');
    const run = await runCli(['--advisory-registry', standIn.url]);
    expect(run.code).toBe(UNAVOIDABLE_HIGH.length === 0 ? 0 : 1);
    expect(() => JSON.parse(run.stdout)).toThrow();
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^severity\s+check\s+finding\s+fix$/);
    const row = lines.find((line) => line.includes('advisories-not-checked'));
    expect(row).toMatch(/^medium\s+advisories-not-checked\s+dependency advisories not checked \(.*500.*\)/);
  });
});
