// @module-tag slow (starts the real binary and clamd)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eicarBytes, hashSignature } from '../fixtures/scan-samples.js';
import { type ClamdServer, startClamd } from '../helpers/clamd-server.js';
import { runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { type S3TestServer, s3StorageEnv, startS3Server } from '../helpers/s3-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

/**
 * The built `bulwark serve` with files on an S3-compatible store and a clamd scanner: it refuses
 * to start on S3 over plain HTTP off loopback or without a bucket and keys, and when configured
 * properly it reaches both and says so on `/api/ready`.
 */
let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
let s3: S3TestServer;
let clamd: ClamdServer;
const SECRET = 'bulwark-e2e-s3-secret-51aa0c';

beforeAll(async () => {
  s3 = await startS3Server();
  clamd = await startClamd({ hashSignatures: [hashSignature(eicarBytes(), 'Eicar-Test-Signature')] });
});
afterAll(async () => {
  await clamd?.close();
  await s3?.close();
});
beforeEach(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-e2e-files-')), 'data');
  database = await createTestDatabase();
  // No load shedding: test files running side by side on two cores delay the event loop.
  env = { ...database.env, BULWARK_LOG_LEVEL: 'warn', BULWARK_ABUSE_MAX_EVENT_LOOP_DELAY_MS: '0' };
});
afterEach(async () => {
  await database.drop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

describe('bulwark serve with S3 storage and clamd', () => {
  it('refuses S3 over plain HTTP to another host, naming the check and the fix', async () => {
    const result = await runCli(['serve', '--port', '0', '--data', dataDir], {
      ...env,
      ...s3StorageEnv(s3, SECRET),
      BULWARK_FILES_S3_ENDPOINT: 'http://s3.example.com',
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/refusing to start: .*plain HTTP.*\[files-s3-plain-http\]; fix: use the https:\/\//);
    expect(result.stderr).not.toContain('listening');
    expect(result.stderr).not.toContain(SECRET);
  });

  it('refuses S3 storage without its secret key', async () => {
    const { BULWARK_FILES_S3_SECRET_ACCESS_KEY: _secret, ...withoutSecret } = s3StorageEnv(s3, SECRET);
    const result = await runCli(['serve', '--port', '0', '--data', dataDir], { ...env, ...withoutSecret });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('[files-s3-incomplete]');
  });

  it('serves with files on S3 and clamd scanning, both reported ready', async () => {
    const server = await startServer(
      spawnCli(['serve', '--port', '0', '--data', dataDir], {
        ...env,
        ...s3StorageEnv(s3, SECRET),
        BULWARK_FILES_SCAN_CLAMD_SOCKET: clamd.socket,
      }),
    );
    try {
      const ready = await fetch(`${server.url}/api/ready`);
      expect(await ready.json()).toEqual({
        status: 'ready',
        checks: { database: 'ok', files: 'ok', scanner: 'ok' },
      });
    } finally {
      expect(await server.stop()).toBe(0);
    }
    expect(`${server.stdout()}${server.stderr()}`).not.toContain(SECRET);
  });
});
