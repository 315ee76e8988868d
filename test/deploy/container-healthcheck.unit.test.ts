// @module-tag slow (starts the real binary, plain and with TLS)
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createSelfSignedCertificate } from '../helpers/certificates.js';
import { cleanEnv, REPO_ROOT, type RunningServer, spawnCli, startServer } from '../helpers/run-cli.js';

/**
 * The image's HEALTHCHECK, deploy/docker/healthcheck.mjs (no shell or curl in the distroless
 * image), run as Docker runs it, beside the real server: healthy on plain HTTP and on TLS,
 * unhealthy when nothing answers.
 */
const START_TIMEOUT_MS = 90_000;
const scratch = mkdtempSync(join(tmpdir(), 'bulwark-healthcheck-'));
const running: RunningServer[] = [];
afterEach(async () => {
  for (const server of running.splice(0)) await server.stop('SIGKILL');
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs the health check with the container's port setting; resolves with its exit code and stderr. */
function healthcheck(port: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(REPO_ROOT, 'deploy/docker/healthcheck.mjs')], {
      env: cleanEnv({ BULWARK_PORT: port }),
    });
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

async function serve(name: string, env: Record<string, string> = {}): Promise<string> {
  const dataDir = join(scratch, name, 'data');
  const child = spawnCli(['serve', '--port', '0', '--data', dataDir], { BULWARK_LOG_LEVEL: 'warn', ...env });
  const server = await startServer(child, START_TIMEOUT_MS);
  running.push(server);
  return new URL(server.url).port;
}

describe('deploy/docker/healthcheck.mjs', { timeout: 180_000 }, () => {
  it('exits 0 against a server on plain HTTP', async () => {
    expect(await healthcheck(await serve('plain'))).toEqual({ code: 0, stderr: '' });
  });

  it('exits 0 against a server on TLS (self-signed: the check trusts nothing but the status)', async () => {
    const cert = createSelfSignedCertificate(scratch, 'server');
    const port = await serve('tls', { BULWARK_TLS_CERT: cert.certPath, BULWARK_TLS_KEY: cert.keyPath });
    expect(await healthcheck(port)).toEqual({ code: 0, stderr: '' });
  });

  it('exits 1 and says why when nothing answers', async () => {
    const port = await serve('stopped');
    await running.pop()?.stop('SIGTERM');
    const result = await healthcheck(port);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`bulwark health check: connect ECONNREFUSED 127.0.0.1:${port}\n`);
  });
});
