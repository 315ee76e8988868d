import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../config/index.js';
import { isWeakCertificateKey } from './certificate-facts.js';
import { type AuditFacts, DEPLOYMENT_CHECKS, runAuditChecks } from './index.js';
import { findRiskyFlags, splitNodeOptions } from './node-flags.js';
import { judgeNodeVersion } from './node-release.js';
import { formatSocket, isLoopbackAddress, parseProcNetTcp } from './proc-net.js';

const at = (day: string) => Date.parse(`${day}T12:00:00Z`);

describe('judgeNodeVersion against the end-of-life table', () => {
  it('is end of life from the table date on, supported before it', () => {
    expect(judgeNodeVersion('v20.19.0', at('2026-04-29'))).toEqual({
      state: 'supported',
      major: 20,
      endOfLife: '2026-04-30',
    });
    expect(judgeNodeVersion('v20.19.0', at('2026-04-30'))).toEqual({
      state: 'end-of-life',
      major: 20,
      endOfLife: '2026-04-30',
    });
    expect(judgeNodeVersion('v24.1.0', at('2026-12-05'))).toMatchObject({
      state: 'supported',
      endOfLife: '2028-04-30',
    });
  });

  it('takes an unknown newer major as supported and an unknown older one as not', () => {
    expect(judgeNodeVersion('v26.0.0', at('2026-12-05'))).toEqual({
      state: 'supported',
      major: 26,
      endOfLife: undefined,
    });
    expect(judgeNodeVersion('v16.20.2', at('2026-12-05'))).toEqual({ state: 'unknown-older', major: 16 });
  });
});

describe('parseProcNetTcp', () => {
  // Lines as Linux prints them (proc_net_tcp(5)); the second is an established connection.
  const tcp = [
    '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 0100007F:1F9A 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4242 1 0 100 0 0 10 0',
    '   1: 0100007F:1F9A 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 4243 1 0 20 4 30 10 -1',
    '   2: 00000000:20FB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 4244 1 0 100 0 0 10 0',
  ].join('\n');
  const tcp6 = [
    '  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode',
    '   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5151 1 0 100 0 0 10 0',
    '   1: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5152 1 0 100 0 0 10 0',
    '   2: 00000000000000000000000000000000:1F92 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 5153 1 0 100 0 0 10 0',
  ].join('\n');

  it('reads listening sockets only, with addresses in their usual spelling', () => {
    expect(parseProcNetTcp(tcp)).toEqual([
      { inode: '4242', address: '127.0.0.1', port: 8090 },
      { inode: '4244', address: '0.0.0.0', port: 8443 },
    ]);
    expect(parseProcNetTcp(tcp6).map(formatSocket)).toEqual(['[::1]:8080', '127.0.0.1:8081', '[::]:8082']);
  });

  it('counts only loopback addresses as loopback', () => {
    expect(['127.0.0.1', '::1', '127.8.0.1'].map(isLoopbackAddress)).toEqual([true, true, true]);
    expect(['0.0.0.0', '::', '10.0.0.5', '2001:db8::1'].map(isLoopbackAddress)).toEqual([false, false, false, false]);
  });
});

describe('findRiskyFlags', () => {
  it('finds the inspector in every spelling, and leaves harmless flags alone', () => {
    const flags = ['--inspect', '--inspect=0.0.0.0:9229', '--inspect-brk=9230', '--inspect-wait', '--debug'];
    expect(findRiskyFlags(flags).map((risky) => risky.severity)).toEqual(['high', 'high', 'high', 'high', 'high']);
    expect(findRiskyFlags(['--inspect-port=9229', '--enable-source-maps', '--max-old-space-size=512'])).toEqual([]);
    expect(findRiskyFlags(['--expose_gc', '--tls-min-v1.1']).map((risky) => risky.severity)).toEqual([
      'medium',
      'medium',
    ]);
  });

  it('splits NODE_OPTIONS as Node does, quotes holding a value together', () => {
    expect(splitNodeOptions('--inspect  --require "./a b.js"')).toEqual(['--inspect', '--require', './a b.js']);
    expect(splitNodeOptions('')).toEqual([]);
  });
});

describe('isWeakCertificateKey', () => {
  it('refuses RSA below 2048 bits, EC below 256 and DSA', () => {
    expect(isWeakCertificateKey({ keyType: 'rsa', keyBits: 1024 })).toBe(true);
    expect(isWeakCertificateKey({ keyType: 'rsa', keyBits: 2048 })).toBe(false);
    expect(isWeakCertificateKey({ keyType: 'ec', keyBits: 224 })).toBe(true);
    expect(isWeakCertificateKey({ keyType: 'ec', keyBits: 256 })).toBe(false);
    expect(isWeakCertificateKey({ keyType: 'dsa', keyBits: 2048 })).toBe(true);
    expect(isWeakCertificateKey({ keyType: 'ed25519', keyBits: undefined })).toBe(false);
  });
});

describe('checks over gathered facts', () => {
  const nowMs = at('2026-12-05');
  const facts = (overrides: Partial<AuditFacts>): AuditFacts => ({
    config: loadConfig({ env: { BULWARK_DATA_DIR: '/nonexistent/bulwark-data' } }),
    nowMs,
    nodeVersion: 'v24.1.0',
    certificate: undefined,
    exposedDataPaths: [],
    auditor: { who: 'this shell', args: [], nodeOptions: undefined },
    server: { state: 'none' },
    accounts: { state: 'no-database' },
    apiKeyMaxAgeDays: 90,
    ...overrides,
  });
  const ids = (f: AuditFacts) => runAuditChecks(DEPLOYMENT_CHECKS, f).map((finding) => finding.id);

  it('raises nothing on a deployment with nothing wrong', () => {
    expect(ids(facts({}))).toEqual([]);
  });

  it('reports a certificate that is not valid yet', () => {
    const certificate = {
      notBeforeMs: nowMs + 86_400_000,
      notAfterMs: nowMs + 90 * 86_400_000,
      keyType: 'ec',
      keyBits: 256,
      isSelfSigned: false,
    };
    expect(ids(facts({ certificate }))).toEqual(['tls-cert-not-yet-valid']);
  });

  it('counts an API key as expiring inside 14 days and as old past the maximum age', () => {
    const key = (createdDaysAgo: number, expiresInDays: number) => ({
      name: 'k',
      displayPrefix: 'bk_1234',
      ownerEmail: 'o@example.com',
      createdMs: nowMs - createdDaysAgo * 86_400_000,
      expiresMs: nowMs + expiresInDays * 86_400_000,
    });
    const withKeys = (activeApiKeys: ReturnType<typeof key>[]) =>
      ids(facts({ accounts: { state: 'read', adminsWithoutFactor: [], activeApiKeys, liveShellKeys: [] } }));
    expect(withKeys([key(10, 15)])).toEqual([]);
    expect(withKeys([key(10, 13)])).toEqual(['api-key-expiring']);
    expect(withKeys([key(91, 200)])).toEqual(['api-key-not-rotated']);
  });

  it('names every live administrator key made on the shell, and says nothing when there is none', () => {
    const shellKey = (n: number) => ({
      id: `key${n}`,
      name: `ci-${n}`,
      ownerEmail: 'o@example.com',
      scopes: ['admin', 'records:read'],
      expiresMs: nowMs + n * 86_400_000,
    });
    const findings = (liveShellKeys: ReturnType<typeof shellKey>[]) =>
      runAuditChecks(
        DEPLOYMENT_CHECKS,
        facts({ accounts: { state: 'read', adminsWithoutFactor: [], activeApiKeys: [], liveShellKeys } }),
      );
    expect(findings([])).toEqual([]);
    const [finding] = findings([1, 2, 3, 4].map(shellKey));
    expect(finding).toMatchObject({ id: 'admin-api-key-from-shell', severity: 'medium' });
    expect(finding?.message).toMatch(/^4 live administrator API keys made on the shell/);
    expect(finding?.message).toContain(
      'id key4 “ci-4” of o@example.com, scopes admin records:read, expires 2026-12-09T12:00:00.000Z',
    );
  });
});
