// @module-tag slow (starts the real binary and npm audit: skipped by `npm run test:quick`)
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import {
  type AdvisoryStandIn,
  expectedAuditExit,
  findingsOf,
  startEmptyAdvisoryService,
  unavoidableAuditFindings,
} from '../helpers/audit-run.js';
import { newAdmin, newUser, PASSWORD, uniqueEmail } from '../helpers/collections-client.js';
import { runCli } from '../helpers/run-cli.js';
import { LogCapture, type TestApp, testDialect } from '../helpers/test-app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark audit` on a whole deployment (issue 17 item 1): a data folder, database and
 * configuration made wrong on purpose raise every deployment finding, each asserted by id, and a
 * clean one raises none but what this machine cannot avoid (unavoidableAuditFindings).
 * The deployment is made by the app itself in this process (nothing listens), on SQLite or on
 * a fresh PostgreSQL database, and then audited by the real binary.
 */

const DAY_MS = 86_400_000;
let advisories: AdvisoryStandIn;
let root: string;
let database: TestDatabase;
let app: TestApp;
let dataDir: string;

beforeAll(async () => {
  advisories = await startEmptyAdvisoryService();
});
afterAll(async () => {
  await advisories.close();
});
beforeEach(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-deploy-audit-'));
  dataDir = join(root, 'data');
  database = await createTestDatabase();
  const config = loadConfig({
    env: {
      ...database.env,
      BULWARK_DATA_DIR: dataDir,
      BULWARK_PORT: '0',
      BULWARK_LOG_LEVEL: 'warn',
      BULWARK_AUTH_ARGON2_MEMORY_KIB: '1024',
      BULWARK_AUTH_ARGON2_ITERATIONS: '1',
      BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0',
    },
    cwd: root,
  });
  const server: BulwarkApp = await createApp({ config, logStream: new LogCapture() });
  app = Object.assign(server, { logs: new LogCapture(), dataDir, close: () => server.stop('test finished') });
});
afterEach(async () => {
  await app.close();
  await database.drop();
  rmSync(root, { recursive: true, force: true });
});

/** Runs `bulwark audit --json` on this deployment with the given extra environment. */
async function audit(env: Record<string, string> = {}, args: string[] = []) {
  const run = await runCli(['audit', '--json', '--advisory-registry', advisories.url, '--data', dataDir, ...args], {
    ...database.env,
    npm_config_cache: join(root, 'npm-cache'),
    NODE_OPTIONS: '',
    ...env,
  });
  try {
    return { code: run.code, findings: findingsOf(run.stdout), stderr: run.stderr };
  } catch {
    throw new Error(`bulwark audit printed no JSON (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  }
}

/** A self-signed certificate for a 1024-bit RSA key: weak twice over. */
function weakCertificate(): { cert: string; key: string } {
  const cert = join(root, 'weak.crt');
  const key = join(root, 'weak.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:1024',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=localhost',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  chmodSync(key, 0o600);
  return { cert, key };
}

/** An API key that expires tomorrow and was made 200 days ago (aged in the database, as time would). */
async function oldKeyExpiringSoon(): Promise<string> {
  const owner = await newUser(app, 'keys');
  const created = await app.http.inject({
    method: 'POST',
    url: '/api/keys',
    headers: owner.headers,
    payload: { name: 'nightly-export', scopes: ['profile:read'], expiresIn: DAY_MS / 1000 },
  });
  expect(created.statusCode, created.body).toBe(201);
  await app.database.db
    .updateTable('api_keys')
    .set({ created_ms: Date.now() - 200 * DAY_MS })
    .where('user_id', '=', owner.id)
    .execute();
  return owner.email;
}

describe('bulwark audit on a misconfigured deployment', () => {
  it('raises every deployment finding, each by id, and exits 1', { timeout: 120_000 }, async () => {
    const adminEmail = uniqueEmail('no-factor');
    await app.auth.accounts.createAdmin(adminEmail, PASSWORD);
    const keyOwner = await oldKeyExpiringSoon();
    mkdirSync(join(dataDir, 'backups'), { mode: 0o755 });
    writeFileSync(join(dataDir, 'backups', 'monday.bak'), 'x', { mode: 0o644 });
    if (testDialect() === 'sqlite') chmodSync(join(dataDir, 'bulwark.db'), 0o644);
    const weak = weakCertificate();

    const run = await audit({
      BULWARK_HOST: '0.0.0.0',
      BULWARK_TLS_CERT: weak.cert,
      BULWARK_TLS_KEY: weak.key,
      BULWARK_AUTH_MFA_REQUIRED_FOR_ADMINS: 'false',
      NODE_OPTIONS: '--insecure-http-parser --tls-min-v1.0',
    });
    const byId = new Map(run.findings.map((finding) => [finding.id, finding]));
    const expected = {
      'data-file-readable': ['high', 'backups (755)'],
      'tls-key-weak': ['high', 'rsa 1024 bits'],
      'tls-cert-self-signed': ['medium', 'self-signed'],
      'listens-beyond-loopback': ['low', '0.0.0.0'],
      'node-debug-flags': [
        'high',
        'NODE_OPTIONS of this shell (bulwark audit’s own environment) holds --insecure-http-parser',
      ],
      'node-unsafe-flags': ['medium', '--tls-min-v1.0'],
      'admin-without-second-factor': ['high', adminEmail],
      'api-key-expiring': ['low', `“nightly-export”`],
      'api-key-not-rotated': ['medium', keyOwner],
      ...(testDialect() === 'sqlite' ? { 'database-file-readable': ['high', 'bulwark.db (644)'] } : {}),
    };
    for (const [id, [severity, text]] of Object.entries(expected)) {
      expect(byId.get(id), `${id} in ${JSON.stringify(run.findings)}`).toMatchObject({ id, severity });
      expect(byId.get(id)?.message).toContain(text);
    }
    expect(byId.has('admin-second-factor-pending')).toBe(false);
    expect(run.code).toBe(1);

    // With the default policy the same administrator must enrol at the next sign-in: medium.
    const withPolicy = await audit();
    const ids = withPolicy.findings.map((finding) => finding.id);
    expect(ids).toContain('admin-second-factor-pending');
    expect(ids).not.toContain('admin-without-second-factor');
  });

  it('says what it could not check, and an unreadable certificate', { timeout: 60_000 }, async () => {
    const garbage = join(root, 'not-a.crt');
    writeFileSync(garbage, 'not a certificate\n');
    const weak = weakCertificate();
    const run = await audit({
      BULWARK_TLS_CERT: garbage,
      BULWARK_TLS_KEY: weak.key,
      // A PostgreSQL server nobody runs: port 1 refuses on loopback.
      BULWARK_DATABASE_URL: 'postgres://bulwark:secret-password@127.0.0.1:1/bulwark',
    });
    const byId = new Map(run.findings.map((finding) => [finding.id, finding]));
    expect(byId.get('tls-cert-unreadable')).toMatchObject({ severity: 'high' });
    expect(byId.get('accounts-not-checked')).toMatchObject({ severity: 'medium' });
    expect(byId.get('accounts-not-checked')?.message).toContain('ECONNREFUSED');
    expect(JSON.stringify(run.findings)).not.toContain('secret-password');
    expect(run.code).toBe(1);
  });
});

describe('bulwark audit on a clean deployment', () => {
  it('raises nothing but what this machine cannot avoid', { timeout: 120_000 }, async () => {
    await newAdmin(app);
    const owner = await newUser(app, 'keys');
    const created = await app.http.inject({
      method: 'POST',
      url: '/api/keys',
      headers: owner.headers,
      payload: { name: 'reporting', scopes: ['profile:read'], expiresIn: 60 * 86_400 },
    });
    expect(created.statusCode, created.body).toBe(201);

    const run = await audit();
    expect(run.findings.map((finding) => finding.id).sort(), run.stderr).toEqual(unavoidableAuditFindings().sort());
    expect(run.code).toBe(expectedAuditExit(run.findings));
  });
});
