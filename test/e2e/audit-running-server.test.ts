// @module-tag slow (starts the real server and `bulwark audit`: skipped by `npm run test:quick`)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AdvisoryStandIn, findingsOf, startEmptyAdvisoryService } from '../helpers/audit-run.js';
import { createTestCertificateAuthority } from '../helpers/certificates.js';
import { cleanEnv, REPO_ROOT, type RunningServer, runCli, startServer } from '../helpers/run-cli.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * `bulwark audit` looks at the server holding the data folder (issue 17 item 1): on Linux it
 * reads the process's command line, environment and listening sockets through /proc, so a
 * server started with `--inspect` or a risky NODE_OPTIONS, or listening beyond loopback, is
 * named with its pid. The server here runs TLS on 0.0.0.0 (a CA-signed certificate, so nothing
 * else is wrong with it) and its inspector on loopback.
 */

let root: string;
let database: TestDatabase;
let advisories: AdvisoryStandIn;
let server: RunningServer;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-audit-server-'));
  database = await createTestDatabase();
  advisories = await startEmptyAdvisoryService();
  const certificate = createTestCertificateAuthority(root).issue('server');
  const child = spawn(
    process.execPath,
    ['--inspect=127.0.0.1:0', 'dist/main.js', 'serve', '--data', join(root, 'data'), '--port', '0'],
    {
      cwd: REPO_ROOT,
      env: cleanEnv({
        ...database.env,
        BULWARK_HOST: '0.0.0.0',
        BULWARK_TLS_CERT: certificate.certPath,
        BULWARK_TLS_KEY: certificate.keyPath,
        BULWARK_LOG_LEVEL: 'warn',
        NODE_OPTIONS: '--tls-min-v1.0',
      }),
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  server = await startServer(child, 60_000);
}, 90_000);

afterAll(async () => {
  await server?.stop();
  await advisories?.close();
  await database?.drop();
  rmSync(root, { recursive: true, force: true });
});

describe('bulwark audit with a server running on the data folder', () => {
  it('names its --inspect flag, its NODE_OPTIONS and its non-loopback socket, with its pid', {
    timeout: 90_000,
  }, async () => {
    const pid = server.child.pid as number;
    const run = await runCli(['audit', '--json', '--advisory-registry', advisories.url, '--data', join(root, 'data')], {
      ...database.env,
      npm_config_cache: join(root, 'npm-cache'),
      NODE_OPTIONS: '',
    });
    const byId = new Map(findingsOf(run.stdout).map((finding) => [finding.id, finding]));
    expect(byId.get('node-debug-flags'), run.stdout).toMatchObject({ severity: 'high' });
    expect(byId.get('node-debug-flags')?.message).toContain(
      `the running server (pid ${pid}) was started with --inspect=127.0.0.1:0`,
    );
    expect(byId.get('node-unsafe-flags')?.message).toContain(
      `NODE_OPTIONS of the running server (pid ${pid}) holds --tls-min-v1.0`,
    );
    const port = new URL(server.url).port;
    expect(byId.get('server-listens-beyond-loopback')?.message).toBe(
      `the running server (pid ${pid}) listens on 0.0.0.0:${port}`,
    );
    // The inspector listens on loopback only: not a socket beyond loopback.
    expect(byId.has('server-not-inspected')).toBe(false);
    expect(run.code).toBe(1);
  });
});
