// @module-tag slow (starts openssl s_client: skipped by `npm run test:quick`)
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingHttpHeaders } from 'node:http';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect, createServer, type Server } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type BulwarkApp, createApp } from '../../src/app/create-app.js';
import { loadConfig } from '../../src/config/index.js';
import { createSelfSignedCertificate, opensslHandshake, type TestCertificate } from '../helpers/certificates.js';
import { LogCapture } from '../helpers/test-app.js';

const HSTS = 'max-age=31536000; includeSubDomains';
/** Lets OpenSSL 3 clients (and the control server) use TLS 1.0/1.1 and SHA-1 suites at all. */
const LEGACY = ['-cipher', 'DEFAULT@SECLEVEL=0'];

let dir: string;
let certA: TestCertificate;
let certB: TestCertificate;
let live: { cert: string; key: string };
let logs: LogCapture;
let app: BulwarkApp;
let url: string;
let port: number;
/** A deliberately weak server: proves the client flags below really negotiate what the app refuses. */
let control: Server;
let controlPort: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-tls-'));
  certA = createSelfSignedCertificate(dir, 'a');
  certB = createSelfSignedCertificate(dir, 'b');
  live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };
  copyFileSync(certA.certPath, live.cert);
  copyFileSync(certA.keyPath, live.key);
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir, { mode: 0o700 });
  const config = loadConfig({
    env: {
      BULWARK_DATA_DIR: dataDir,
      BULWARK_PORT: '0',
      BULWARK_LOG_LEVEL: 'info',
      BULWARK_TLS_CERT: live.cert,
      BULWARK_TLS_KEY: live.key,
    },
    cwd: dataDir,
  });
  logs = new LogCapture();
  app = await createApp({ config, logStream: logs, tlsWatchIntervalMs: 200 });
  url = await app.start();
  port = Number(new URL(url).port);

  control = createServer({ cert: certA.cert, key: certA.key, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' });
  control.on('secureConnection', (socket) => socket.end());
  control.on('tlsClientError', () => {});
  await new Promise<void>((resolve) => control.listen(0, '127.0.0.1', resolve));
  controlPort = (control.address() as AddressInfo).port;
});

afterAll(async () => {
  await app?.stop('test finished');
  await new Promise((resolve) => (control ? control.close(resolve) : resolve(undefined)));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** GET over HTTPS, trusting only the two test certificates: the server must present a valid one. */
function get(path: string): Promise<{ status: number | undefined; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, ca: [certA.cert, certB.cert], agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a fresh TLS connection and returns the SHA-256 fingerprint of the certificate served. */
function servedFingerprint(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.end();
      resolve(fingerprint);
    });
    socket.on('error', reject);
  });
}

const REFUSED = [
  { name: 'TLS 1.1', args: ['-tls1_1', ...LEGACY], protocol: 'TLSv1.1', alert: /alert protocol version/ },
  { name: 'TLS 1.0', args: ['-tls1', ...LEGACY], protocol: 'TLSv1', alert: /alert protocol version/ },
  {
    name: 'the CBC suite ECDHE-RSA-AES128-SHA on TLS 1.2',
    args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA'],
    protocol: 'TLSv1.2',
    alert: /alert handshake failure/,
  },
  {
    name: 'the CBC suite ECDHE-RSA-AES128-SHA256 on TLS 1.2',
    args: ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA256'],
    protocol: 'TLSv1.2',
    alert: /alert handshake failure/,
  },
  {
    name: 'the static-RSA suite AES128-SHA on TLS 1.2',
    args: ['-tls1_2', '-cipher', 'AES128-SHA'],
    protocol: 'TLSv1.2',
    alert: /alert handshake failure/,
  },
] as const;

describe('TLS policy, probed with openssl s_client', () => {
  it('reports an https:// URL from start() when a certificate is configured', () => {
    expect(url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it.each(REFUSED)('refuses $name even from a client willing to use it', async (scenario) => {
    // Control: the very same client flags do connect to a server that allows it.
    const allowed = await opensslHandshake(controlPort, scenario.args);
    expect(allowed.established, allowed.output).toBe(true);
    expect(allowed.protocol).toBe(scenario.protocol);

    const refused = await opensslHandshake(port, scenario.args);
    expect(refused.established, refused.output).toBe(false);
    // The server's own alert: the client did offer the handshake, and the server said no.
    expect(refused.output).toMatch(scenario.alert);
  });

  it('accepts TLS 1.2 and negotiates an AEAD suite', async () => {
    const result = await opensslHandshake(port, ['-tls1_2']);
    expect(result.established, result.output).toBe(true);
    expect(result.protocol).toBe('TLSv1.2');
    expect(result.cipher).toMatch(/GCM|CHACHA20/);
  });

  it('accepts TLS 1.3', async () => {
    const result = await opensslHandshake(port, ['-tls1_3']);
    expect(result.established, result.output).toBe(true);
    expect(result.protocol).toBe('TLSv1.3');
  });

  it('accepts the intermediate suite ECDHE-RSA-AES128-GCM-SHA256 on TLS 1.2', async () => {
    const result = await opensslHandshake(port, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-GCM-SHA256']);
    expect(result.established, result.output).toBe(true);
    expect(result.protocol).toBe('TLSv1.2');
    expect(result.cipher).toBe('ECDHE-RSA-AES128-GCM-SHA256');
  });
});

describe('HSTS over HTTPS', () => {
  it('sends Strict-Transport-Security on a 200', async () => {
    const response = await get('/api/health');
    expect(response.status).toBe(200);
    expect(response.headers['strict-transport-security']).toBe(HSTS);
  });

  it('sends Strict-Transport-Security on a 404 too', async () => {
    const response = await get('/no/such/route');
    expect(response.status).toBe(404);
    expect(response.headers['strict-transport-security']).toBe(HSTS);
  });
});

describe('certificate reload (runs in order: A, then B, then a garbage file)', () => {
  it('serves a renewed certificate without a restart, and keeps serving while it changes', async () => {
    expect(await servedFingerprint()).toBe(certA.fingerprint256);
    expect(certB.fingerprint256).not.toBe(certA.fingerprint256);
    writeFileSync(live.key, certB.key);
    writeFileSync(live.cert, certB.cert);

    const statuses: Array<number | undefined> = [];
    let served = certA.fingerprint256;
    const deadline = Date.now() + 5_000;
    while (served !== certB.fingerprint256 && Date.now() < deadline) {
      statuses.push((await get('/api/health')).status);
      served = await servedFingerprint();
      if (served !== certB.fingerprint256) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(served, 'certificate B was never served').toBe(certB.fingerprint256);
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 200)).toBe(true);
    expect((await get('/api/health')).status).toBe(200);
  });

  it('keeps refusing TLS 1.1 and CBC suites after a reload', async () => {
    const legacy = await opensslHandshake(port, ['-tls1_1', ...LEGACY]);
    expect(legacy.established, legacy.output).toBe(false);
    expect(legacy.output).toMatch(/alert protocol version/);
    const cbc = await opensslHandshake(port, ['-tls1_2', '-cipher', 'ECDHE-RSA-AES128-SHA']);
    expect(cbc.established, cbc.output).toBe(false);
    expect(cbc.output).toMatch(/alert handshake failure/);
  });

  it('records the reload in the audit log', async () => {
    await vi.waitFor(
      async () => {
        const entries = await app.audit.listRecent(20);
        expect(entries.filter((entry) => entry.type === 'tls.reload').length).toBeGreaterThan(0);
      },
      { timeout: 2_000, interval: 50 },
    );
    const [entry] = await app.audit.listRecent(1, 'tls.reload');
    expect(entry?.actor).toBe('system');
  });

  it('keeps the current certificate and logs the failure when the new file is garbage', async () => {
    const from = logs.lines.length;
    const failuresBefore = (await app.audit.listRecent(50, 'tls.reload.failure')).length;
    writeFileSync(live.cert, '-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n');
    await vi.waitFor(() => expect(logs.lines.slice(from).join('\n')).toContain('"msg":"tls.reload.failure"'), {
      timeout: 5_000,
      interval: 50,
    });
    expect(await servedFingerprint()).toBe(certB.fingerprint256);
    expect((await get('/api/health')).status).toBe(200);
    await vi.waitFor(
      async () => expect((await app.audit.listRecent(50, 'tls.reload.failure')).length).toBeGreaterThan(failuresBefore),
      { timeout: 2_000, interval: 50 },
    );
  });
});
