import { describe, expect, it } from 'vitest';
import { type ConfigError, type DeploymentFacts, loadConfig, runConfigChecks } from './index.js';

const NOW = Date.parse('2026-11-25T00:00:00Z');
const DAY = 86_400_000;
const facts = (overrides: Partial<DeploymentFacts> = {}): DeploymentFacts => ({
  nowMs: NOW,
  dataDirMode: 0o700,
  masterKeyFileMode: 0o600,
  tlsKeyFileMode: undefined,
  tlsCertNotAfterMs: undefined,
  clamdSocketPresent: undefined,
  ...overrides,
});
const without = (env: Record<string, string>, key: string) =>
  Object.fromEntries(Object.entries(env).filter(([name]) => name !== key));
const ids = (env: Record<string, string>, f: Partial<DeploymentFacts> = {}) =>
  runConfigChecks(loadConfig({ cwd: '/tmp', env }), facts(f)).map((finding) => `${finding.severity}:${finding.id}`);

describe('named configuration checks', () => {
  it('finds nothing on the defaults', () => {
    expect(ids({})).toEqual([]);
  });

  it.each([
    [{ BULWARK_HOST: '0.0.0.0' }, 'high:public-bind-without-tls'],
    [{ BULWARK_HOST: '::' }, 'high:public-bind-without-tls'],
    [{ BULWARK_TLS_CERT: '/x.pem' }, 'high:tls-half-configured'],
    [{ BULWARK_CORS_ORIGINS: '*', BULWARK_CORS_CREDENTIALS: 'true' }, 'high:cors-wildcard-with-credentials'],
    [{ BULWARK_CORS_ORIGINS: '*' }, 'medium:cors-wildcard-origin'],
    [{ BULWARK_CORS_ORIGINS: 'http://app.example' }, 'medium:cors-plain-http-origin'],
    [{ BULWARK_MASTER_KEY: 'c2hvcnQ=' }, 'high:weak-master-key'],
    [{ BULWARK_MASTER_KEY: 'a'.repeat(64) }, 'high:weak-master-key'],
    [{ BULWARK_DATABASE_URL: 'postgres://u:p@db.example:5432/b' }, 'medium:database-without-tls'],
    [{ BULWARK_REDIS_URL: 'redis://cache.example:6379' }, 'medium:redis-without-tls'],
    [{ BULWARK_ABUSE_DENY_LIST: '10.0.0.0/33' }, 'high:invalid-address-list'],
    [{ BULWARK_TRUSTED_PROXIES: 'proxy.example' }, 'high:invalid-address-list'],
    [{ BULWARK_SMTP_URL: 'smtps://u:p@mail.example:465' }, 'high:mail-without-public-url'],
    [
      { BULWARK_SMTP_URL: 'smtp://mail.example:587', BULWARK_SMTP_REQUIRE_TLS: 'false' },
      'medium:mail-tls-not-required',
    ],
    [
      { BULWARK_SMTP_URL: 'smtp://[2001:db8::25]:587', BULWARK_SMTP_REQUIRE_TLS: 'false' },
      'medium:mail-tls-not-required',
    ],
    [
      {
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'corp', issuer: 'http://id.example', clientId: 'c', clientSecret: 's' },
        ]),
      },
      'high:oidc-plain-http-issuer',
    ],
  ])('%o → %s', (env, expected) => {
    expect(ids(env)).toContain(expected);
  });

  it('accepts mail with a public URL and OIDC over https (or on loopback, allowed for outbound requests)', () => {
    expect(
      ids({
        BULWARK_SMTP_URL: 'smtps://u:p@mail.example:465',
        BULWARK_PUBLIC_URL: 'https://api.example',
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'corp', issuer: 'https://id.example', clientId: 'c', clientSecret: 's' },
          { name: 'dev', issuer: 'http://127.0.0.1:9000', clientId: 'c', clientSecret: 's' },
        ]),
        BULWARK_OUTBOUND_ALLOW_HTTP: 'true',
        BULWARK_OUTBOUND_ALLOWED_CIDRS: '127.0.0.1/32',
      }),
    ).toEqual([]);
  });

  it.each([
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: '10.0.0.0/33' }, 'high:invalid-outbound-allowed-cidrs'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: 'receiver.internal' }, 'high:invalid-outbound-allowed-cidrs'],
    [{ BULWARK_OUTBOUND_DNS_SERVERS: 'dns.google' }, 'high:invalid-outbound-dns-servers'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: '169.254.169.254/32' }, 'medium:outbound-allow-list-too-broad'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: '169.254.0.0/16' }, 'medium:outbound-allow-list-too-broad'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: '10.0.0.0/8' }, 'medium:outbound-allow-list-too-broad'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: '0.0.0.0/0' }, 'medium:outbound-allow-list-too-broad'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: 'fd00::/8' }, 'medium:outbound-allow-list-too-broad'],
    [{ BULWARK_OUTBOUND_ALLOWED_CIDRS: 'fd00:ec2::254' }, 'medium:outbound-allow-list-too-broad'],
    [
      {
        BULWARK_AUTH_OIDC_PROVIDERS: JSON.stringify([
          { name: 'dev', issuer: 'http://127.0.0.1:9000', clientId: 'c', clientSecret: 's' },
        ]),
      },
      'medium:oidc-issuer-refused-by-outbound',
    ],
  ])('outbound policy %o → %s', (env, expected) => {
    expect(ids(env)).toContain(expected);
  });

  it('accepts a narrow outbound allow-list and DNS servers', () => {
    const env = {
      BULWARK_OUTBOUND_ALLOWED_CIDRS: '10.1.2.0/24,192.168.0.0/16,127.0.0.1/32,fd00:1::/48',
      BULWARK_OUTBOUND_DNS_SERVERS: '10.0.0.53,10.0.0.53:5353,[2606:4700::1111]:53',
    };
    expect(ids(env)).toEqual([]);
  });

  it('accepts mail with TLS required, over smtps://, or to a loopback relay', () => {
    const withMail = (env: Record<string, string>) => ids({ BULWARK_PUBLIC_URL: 'https://api.example', ...env });
    expect(withMail({ BULWARK_SMTP_URL: 'smtp://mail.example:587' })).toEqual([]);
    expect(withMail({ BULWARK_SMTP_URL: 'smtps://mail.example', BULWARK_SMTP_REQUIRE_TLS: 'false' })).toEqual([]);
    for (const host of ['127.0.0.1', 'localhost', '[::1]']) {
      expect(withMail({ BULWARK_SMTP_URL: `smtp://${host}:25`, BULWARK_SMTP_REQUIRE_TLS: 'false' })).toEqual([]);
    }
  });

  it('accepts what the fixes say to do', () => {
    expect(ids({ BULWARK_HOST: '0.0.0.0', BULWARK_TLS_CERT: '/c', BULWARK_TLS_KEY: '/k' })).toEqual([]);
    expect(ids({ BULWARK_HOST: '0.0.0.0', BULWARK_TRUSTED_PROXIES: '10.0.0.0/8' })).toEqual([]);
    expect(
      ids({ BULWARK_MASTER_KEY: Buffer.from(Array.from({ length: 32 }, (_, i) => i * 7)).toString('base64') }),
    ).toEqual([]);
    expect(ids({ BULWARK_DATABASE_URL: 'postgres://u:p@db.example/b?sslmode=verify-full' })).toEqual([]);
    expect(ids({ BULWARK_DATABASE_URL: 'postgres://u:p@127.0.0.1/b' })).toEqual([]);
    expect(ids({ BULWARK_CORS_ORIGINS: 'https://app.example', BULWARK_CORS_CREDENTIALS: 'true' })).toEqual([]);
  });

  it('flags a data folder or key files other users can read', () => {
    expect(ids({}, { dataDirMode: 0o755 })).toEqual(['high:data-dir-world-accessible']);
    expect(ids({}, { masterKeyFileMode: 0o644 })).toEqual(['high:master-key-file-readable']);
    expect(ids({}, { tlsKeyFileMode: 0o644 })).toEqual(['high:tls-key-world-readable']);
    expect(ids({}, { tlsKeyFileMode: 0o640 })).toEqual(['medium:tls-key-group-readable']);
    expect(ids({}, { tlsKeyFileMode: 0o600 })).toEqual([]);
  });

  it('warns 30 days before the certificate expires and refuses an expired one', () => {
    expect(ids({}, { tlsCertNotAfterMs: NOW + 60 * DAY })).toEqual([]);
    expect(ids({}, { tlsCertNotAfterMs: NOW + 10 * DAY })).toEqual(['medium:tls-cert-expiring']);
    expect(ids({}, { tlsCertNotAfterMs: NOW - DAY })).toEqual(['high:tls-cert-expired']);
  });

  it('warns when a webhook claim can lapse while its delivery is still being sent', () => {
    expect(ids({ BULWARK_WEBHOOKS_LEASE_MS: '10000' })).toEqual(['medium:webhook-lease-below-outbound-timeout']);
    expect(ids({ BULWARK_WEBHOOKS_LEASE_MS: '30000', BULWARK_OUTBOUND_TOTAL_TIMEOUT_MS: '60000' })).toEqual([
      'medium:webhook-lease-below-outbound-timeout',
    ]);
    expect(ids({ BULWARK_WEBHOOKS_LEASE_MS: '10001' })).toEqual([]);
  });

  it('refuses S3 storage over plain HTTP off loopback or without a bucket and credentials', () => {
    const s3 = {
      BULWARK_FILES_STORAGE: 's3',
      BULWARK_FILES_S3_BUCKET: 'uploads',
      BULWARK_FILES_S3_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      BULWARK_FILES_S3_SECRET_ACCESS_KEY: 'secret-example',
    };
    expect(ids(s3)).toEqual([]);
    expect(ids({ ...s3, BULWARK_FILES_S3_ENDPOINT: 'https://s3.example.com' })).toEqual([]);
    expect(ids({ ...s3, BULWARK_FILES_S3_ENDPOINT: 'http://127.0.0.1:9000' })).toEqual([]);
    expect(ids({ ...s3, BULWARK_FILES_S3_ENDPOINT: 'http://s3.example.com' })).toEqual(['high:files-s3-plain-http']);
    expect(ids({ ...s3, BULWARK_FILES_S3_ENDPOINT: 'http://[::1]:9000' })).toEqual([]);
    for (const missing of ['BULWARK_FILES_S3_BUCKET', 'BULWARK_FILES_S3_SECRET_ACCESS_KEY']) {
      expect(ids(without(s3, missing))).toEqual(['high:files-s3-incomplete']);
    }
    // Settings for a store that is not used are not findings.
    expect(ids({ BULWARK_FILES_S3_ENDPOINT: 'http://s3.example.com' })).toEqual([]);
  });

  it('warns when clamd’s socket is missing, clamd is reached unencrypted on another machine, or uploads outgrow the scan limit', () => {
    expect(ids({ BULWARK_FILES_SCAN_CLAMD_SOCKET: '/run/clamav/clamd.ctl' }, { clamdSocketPresent: false })).toEqual([
      'medium:files-scan-socket-missing',
    ]);
    expect(ids({ BULWARK_FILES_SCAN_CLAMD_SOCKET: '/run/clamav/clamd.ctl' }, { clamdSocketPresent: true })).toEqual([]);
    expect(ids({ BULWARK_FILES_SCAN_CLAMD_SOCKET: '127.0.0.1:3310' })).toEqual([]);
    expect(ids({ BULWARK_FILES_SCAN_CLAMD_SOCKET: '[::1]:3310' })).toEqual([]);
    expect(ids({ BULWARK_FILES_SCAN_CLAMD_SOCKET: 'clamav.internal:3310' })).toEqual([
      'medium:files-scan-remote-clamd',
    ]);
  });

  it('refuses shipping the audit log over plain TCP off loopback, or with half a client certificate', () => {
    expect(ids({ BULWARK_AUDIT_SYSLOG_URL: 'syslog+tls://logs.example.com:6514' })).toEqual([]);
    expect(ids({ BULWARK_AUDIT_SYSLOG_URL: 'tcp://127.0.0.1:514' })).toEqual([]);
    expect(ids({ BULWARK_AUDIT_SYSLOG_URL: 'tcp://[::1]:514' })).toEqual([]);
    expect(ids({ BULWARK_AUDIT_SYSLOG_URL: 'tcp://logs.example.com:514' })).toEqual(['high:audit-syslog-plain-tcp']);
    expect(ids({ BULWARK_AUDIT_SYSLOG_CERT_FILE: '/etc/bulwark/client.pem' })).toEqual([
      'high:audit-syslog-client-cert-half',
    ]);
    const refusedPaths = (url: string) => {
      try {
        loadConfig({ cwd: '/tmp', env: { BULWARK_AUDIT_SYSLOG_URL: url } });
        return [];
      } catch (error) {
        return (error as ConfigError).problems.map((problem) => problem.path);
      }
    };
    expect(refusedPaths('udp://logs.example.com:514')).toEqual(['audit.syslog.url']);
    expect(refusedPaths('syslog+tls://user@logs.example.com:6514')).toEqual(['audit.syslog.url']);
  });

  it('lists high findings first', () => {
    const found = ids({ BULWARK_CORS_ORIGINS: '*', BULWARK_HOST: '0.0.0.0' });
    expect(found).toEqual(['high:public-bind-without-tls', 'medium:cors-wildcard-origin']);
  });
});
