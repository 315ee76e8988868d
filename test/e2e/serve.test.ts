// @module-tag slow (starts the real binary: skipped by `npm run test:quick`)
import { chmodSync, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli, spawnCli, startServer } from '../helpers/run-cli.js';
import { createTestDatabase, type TestDatabase, withClient } from '../helpers/test-database.js';

let dataDir: string;
let database: TestDatabase;
let env: Record<string, string>;
beforeEach(async () => {
  dataDir = join(mkdtempSync(join(tmpdir(), 'bulwark-e2e-')), 'data');
  database = await createTestDatabase();
  env = { ...database.env, BULWARK_LOG_LEVEL: 'warn' };
});
afterEach(async () => {
  await database.drop();
  rmSync(join(dataDir, '..'), { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('bulwark serve', () => {
  it('first run creates a private data folder and key, serves, and stops cleanly on SIGTERM', async () => {
    const server = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(mode(dataDir)).toBe(0o700);
    expect(mode(join(dataDir, 'master.key'))).toBe(0o600);
    if (!database.env.BULWARK_DATABASE_URL) expect(mode(join(dataDir, 'bulwark.db'))).toBe(0o600);

    expect((await fetch(`${server.url}/api/health`)).status).toBe(200);
    const ready = await fetch(`${server.url}/api/ready`);
    expect(await ready.json()).toEqual({ status: 'ready', checks: { database: 'ok' } });

    expect(await server.stop('SIGTERM')).toBe(0);
    expect(server.stderr()).toContain('Bulwark stopped');
    // A clean SQLite close checkpoints the write-ahead log and removes it.
    expect(existsSync(join(dataDir, 'bulwark.db-wal'))).toBe(false);
    // The audit chain's signed checkpoint, moved on at shutdown to the `server.stop` entry.
    expect(mode(join(dataDir, 'audit-checkpoint.json'))).toBe(0o600);

    const verify = await runCli(['log', 'verify', '--data', dataDir], env);
    expect(verify.stdout).toMatch(/audit log intact: [2-9]\d* entries verified/);
    expect(verify.code).toBe(0);
  });

  it('drains a request in flight when stopped with SIGINT', async () => {
    const server = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    const { port } = new URL(server.url);
    const socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const body = '{"name":"still coming"}';
    socket.write(
      `POST /api/nothing-here HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const exited = server.stop('SIGINT');
    await new Promise((resolve) => setTimeout(resolve, 300));
    socket.write(body.slice(5));
    expect(await exited).toBe(0);
    expect(answer).toMatch(/^HTTP\/1\.1 404 /);
    socket.destroy();
  });

  it('refuses to listen on a public address without TLS or a trusted proxy, naming the fix', async () => {
    const result = await runCli(['serve', '--host', '0.0.0.0', '--port', '0', '--data', dataDir], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /refusing to start: .*non-loopback.*\[public-bind-without-tls\]; fix: set BULWARK_TLS_CERT/,
    );
    expect(result.stderr).not.toContain('listening');
  });

  it('refuses a weak master key and a data folder other users can read', async () => {
    const weak = await runCli(['serve', '--port', '0', '--data', dataDir], { ...env, BULWARK_MASTER_KEY: 'secret' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('[weak-master-key]');

    const open = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    await open.stop();
    chmodSync(dataDir, 0o755);
    const loose = await runCli(['serve', '--port', '0', '--data', dataDir], env);
    expect(loose.code).toBe(1);
    expect(loose.stderr).toMatch(/\[data-dir-world-accessible\]; fix: chmod 700/);
  });

  it('exits 2 with one line naming the key and the fix on a configuration error', async () => {
    const result = await runCli(['serve', '--data', dataDir], { ...env, BULWARK_PORT: 'http' });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^bulwark: config: BULWARK_PORT \(server\.port\) must be of type integer; fix: /),
    ]);
  });
});

describe('bulwark log verify', () => {
  it('exits 1 and names the first entry changed behind the server’s back', async () => {
    const server = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    await server.stop();
    const tamper = 'UPDATE audit_log SET details = \'{"forged":true}\' WHERE seq = 1';
    const url = database.env.BULWARK_DATABASE_URL;
    if (url) {
      await withClient(url, async (client) => {
        await client.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_change');
        await client.query(tamper);
      });
    } else {
      const db = new Database(join(dataDir, 'bulwark.db'));
      db.exec('DROP TRIGGER audit_log_no_update');
      db.exec(tamper);
      db.close();
    }
    const verify = await runCli(['log', 'verify', '--data', dataDir], env);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toMatch(/^entry altered: entry 1: its content was changed after it was written/);
  });

  it('a crash (kill -9) and a restart leave a log that still verifies against its checkpoint', {
    timeout: 120_000,
  }, async () => {
    const crashed = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    for (let i = 0; i < 3; i++) await fetch(`${crashed.url}/api/auth/me`);
    expect(await crashed.stop('SIGKILL')).toBe(null);
    const afterCrash = await runCli(['log', 'verify', '--data', dataDir], env);
    expect(afterCrash.stdout).toMatch(
      /^audit log intact: \d+ (entry|entries) verified\ncheckpoint of \S+ matches entry \d+/,
    );
    expect(afterCrash.code).toBe(0);

    const restarted = await startServer(spawnCli(['serve', '--port', '0', '--data', dataDir], env));
    // Stopped as soon as it says it listens: the stop signal is handled from then on.
    expect(await restarted.stop()).toBe(0);
    expect(restarted.stderr()).not.toContain('audit checkpoint');
    const afterRestart = await runCli(['log', 'verify', '--data', dataDir], env);
    expect(afterRestart.stdout).toMatch(/^audit log intact: /);
    expect(afterRestart.code).toBe(0);
  });

  it('exits 2 when there is no database to verify', async () => {
    const result = await runCli(['log', 'verify', '--data', join(dataDir, 'missing')], {});
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^bulwark: no database at .*; fix: pass --data/);
  });
});
