import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { expectedAuditExit, findingsOf, unavoidableAuditFindings } from '../helpers/audit-run.js';
import { runCli } from '../helpers/run-cli.js';
import { attemptServe } from '../helpers/serve-attempt.js';

/**
 * What the CLI says about configuration (issue 14 item 9): a bad value in the config file names
 * the file and the key, and `bulwark audit` warns about mail sent without required TLS.
 */

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-cli-config-'));
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('a config file with a wrong type', () => {
  it('is refused in one line naming the file and the key, exit 2', async () => {
    const file = join(root, 'bulwark.config.json');
    writeFileSync(file, JSON.stringify({ server: { port: 'eighty' } }));
    const result = await runCli(['log', 'verify', '--config', file, '--data', join(root, 'data')]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(
      new RegExp(`^bulwark: config: ${file}: server\\.port must be of type integer; fix: set a valid value[^\\n]*\\n$`),
    );
  });
});

describe('an outbound allow-list entry that is not an address or CIDR', () => {
  it('stops serve before it listens, in one line naming the key', async () => {
    const attempt = await attemptServe(['--data', join(root, 'data')], {
      BULWARK_OUTBOUND_ALLOWED_CIDRS: '10.0.0.0/33',
    });
    expect(attempt.listened, attempt.stderr).toBe(false);
    expect(attempt.code).toBe(1);
    expect(attempt.stderr).toContain('outbound.allowedCidrs');
    expect(attempt.stderr).toContain('[invalid-outbound-allowed-cidrs]');
  });
});

describe('bulwark audit and mail transport', () => {
  let registry: Server;
  let registryUrl: string;
  beforeEach(async () => {
    // A stand-in advisory service with nothing to report, so the run does not depend on the network.
    registry = createServer((request, response) => {
      request.resume();
      request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
    });
    await new Promise<void>((resolve) => registry.listen(0, '127.0.0.1', resolve));
    registryUrl = `http://127.0.0.1:${(registry.address() as AddressInfo).port}/`;
  });
  afterEach(async () => {
    await new Promise((resolve) => registry.close(resolve));
  });

  const audit = (extraEnv: Record<string, string>) =>
    runCli(['audit', '--json', '--advisory-registry', registryUrl, '--data', join(root, 'data')], {
      npm_config_cache: join(root, 'npm-cache'),
      BULWARK_PUBLIC_URL: 'https://api.example.com',
      ...extraEnv,
    });

  it('warns about smtp:// to another host without required TLS, and not when TLS is required', {
    timeout: 120_000,
  }, async () => {
    const plain = await audit({ BULWARK_SMTP_URL: 'smtp://mail.example.com:587', BULWARK_SMTP_REQUIRE_TLS: 'false' });
    expect(findingsOf(plain.stdout)).toContainEqual(
      expect.objectContaining({ id: 'mail-tls-not-required', severity: 'medium' }),
    );
    // A warning, not a refusal: medium findings leave the exit code as the other findings make it.
    expect(plain.code).toBe(expectedAuditExit(findingsOf(plain.stdout)));
    expect(
      findingsOf(plain.stdout)
        .filter((finding) => finding.severity === 'high')
        .map((f) => f.id),
    ).toEqual(unavoidableAuditFindings().filter((id) => id === 'node-end-of-life'));

    const required = await audit({ BULWARK_SMTP_URL: 'smtp://mail.example.com:587' });
    expect(findingsOf(required.stdout).map((finding) => finding.id)).not.toContain('mail-tls-not-required');
    const relay = await audit({ BULWARK_SMTP_URL: 'smtp://127.0.0.1:25', BULWARK_SMTP_REQUIRE_TLS: 'false' });
    expect(findingsOf(relay.stdout).map((finding) => finding.id)).not.toContain('mail-tls-not-required');
  });
});
