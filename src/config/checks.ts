import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { decodeMasterKey, isStrongMasterKey } from '../lib/crypto/master-key.js';
import { createAddressJudge, isBroadAllowance } from '../lib/net/address-policy.js';
import { isValidCidr } from '../lib/net/cidr.js';
import { isLoopbackHost } from '../lib/net/ip.js';
import { isValidDnsServer } from '../lib/net/outbound-resolve.js';
import { OutboundError } from '../lib/net/outbound-types.js';
import { checkParsedUrl } from '../lib/net/outbound-url.js';
import { ALERT_CHECKS } from './alert-checks.js';
import type { FrozenConfig } from './load.js';

export type Severity = 'high' | 'medium' | 'low';

/** What checks know about the machine, gathered once so checks stay pure and testable. */
export interface DeploymentFacts {
  nowMs: number;
  dataDirMode: number | undefined;
  masterKeyFileMode: number | undefined;
  tlsKeyFileMode: number | undefined;
  tlsCertNotAfterMs: number | undefined;
  /** Whether clamd's unix socket exists; undefined when scanning is off or goes over TCP. */
  clamdSocketPresent: boolean | undefined;
}

/** A named check shared by `serve` (stops on high) and `audit` (lists all, exit 1 on high). */
export interface ConfigCheck {
  id: string;
  severity: Severity;
  /** True when the problem is present. */
  test: (config: FrozenConfig, facts: DeploymentFacts) => boolean;
  message: string;
  fix: string;
}

export interface Finding {
  id: string;
  severity: Severity;
  message: string;
  fix: string;
}

export const MASTER_KEY_FILE = 'master.key';
const DAY_MS = 86_400_000;
/** Warn this long before a certificate expires: enough time for a manual renewal. */
export const CERT_WARNING_DAYS = 30;
const GROUP_OR_OTHER_BITS = 0o077;

const hasTls = (config: FrozenConfig): boolean => Boolean(config.tls.cert && config.tls.key);

export const CONFIG_CHECKS: readonly ConfigCheck[] = [
  {
    id: 'public-bind-without-tls',
    severity: 'high',
    test: (c) => !isLoopbackHost(c.server.host) && !hasTls(c) && c.server.trustedProxies.length === 0,
    message: 'the server would listen on a non-loopback address over plain HTTP',
    fix: 'set BULWARK_TLS_CERT and BULWARK_TLS_KEY, or declare the TLS-terminating proxy in server.trustedProxies, or bind 127.0.0.1',
  },
  {
    id: 'mail-without-public-url',
    severity: 'high',
    test: (c) => c.smtp.url !== undefined && c.publicUrl === undefined,
    message:
      'mail is on but publicUrl is not set, so mailed reset and verification links would take their address from the Host header of whoever asked for them',
    fix: 'set publicUrl (BULWARK_PUBLIC_URL) to the address users reach, e.g. https://api.example.com',
  },
  {
    // Mail carries sign-in, reset and verification links and, to the server, the SMTP password.
    // STARTTLS merely offered can be stripped by anyone on the path (a downgrade), so off
    // loopback it must be required; a local relay (127.0.0.1, ::1, localhost) is exempt.
    id: 'mail-tls-not-required',
    severity: 'medium',
    test: (c) =>
      c.smtp.url?.startsWith('smtp://') === true && !c.smtp.requireTls && !isLoopbackHost(hostOf(c.smtp.url)),
    message:
      'mail goes to a non-loopback SMTP server over smtp:// without required TLS, so mailed links and the SMTP password can be read on the way (STARTTLS can be stripped)',
    fix: 'set smtp.requireTls to true (BULWARK_SMTP_REQUIRE_TLS, the default), or use an smtps:// URL in smtp.url',
  },
  {
    id: 'oidc-plain-http-issuer',
    severity: 'high',
    test: (c) => c.auth.oidc.providers.some((p) => p.issuer.startsWith('http://') && !isLoopbackHost(hostOf(p.issuer))),
    message: 'an OIDC provider is reached over plain HTTP',
    fix: 'use the provider’s https:// issuer URL in auth.oidc.providers',
  },
  {
    id: 'tls-half-configured',
    severity: 'high',
    test: (c) => Boolean(c.tls.cert) !== Boolean(c.tls.key),
    message: 'only one of tls.cert and tls.key is set',
    fix: 'set both BULWARK_TLS_CERT and BULWARK_TLS_KEY, or neither',
  },
  {
    id: 'cors-wildcard-with-credentials',
    severity: 'high',
    test: (c) => c.cors.credentials && c.cors.origins.includes('*'),
    message: 'CORS allows any origin together with credentials',
    fix: 'list the exact origins in cors.origins, or set cors.credentials to false',
  },
  {
    id: 'cors-wildcard-origin',
    severity: 'medium',
    test: (c) => !c.cors.credentials && c.cors.origins.includes('*'),
    message: 'CORS allows any origin',
    fix: 'list the exact origins of your front ends in cors.origins',
  },
  {
    id: 'cors-plain-http-origin',
    severity: 'medium',
    test: (c) => c.cors.origins.some((o) => o.startsWith('http://') && !isLoopbackHost(hostOf(o))),
    message: 'CORS trusts an origin served over plain HTTP',
    fix: 'use https:// origins in cors.origins',
  },
  {
    id: 'weak-master-key',
    severity: 'high',
    test: (c) => c.masterKey !== undefined && !isStrongMasterKey(decodeMasterKey(c.masterKey)),
    message: 'BULWARK_MASTER_KEY is shorter than 32 bytes, malformed, or not random',
    fix: 'generate one with `openssl rand -base64 32`, or unset it to let Bulwark create a key file',
  },
  {
    id: 'data-dir-world-accessible',
    severity: 'high',
    test: (_c, f) => f.dataDirMode !== undefined && (f.dataDirMode & GROUP_OR_OTHER_BITS) !== 0,
    message: 'the data folder can be read or entered by other users',
    fix: 'chmod 700 the data folder',
  },
  {
    id: 'master-key-file-readable',
    severity: 'high',
    test: (_c, f) => f.masterKeyFileMode !== undefined && (f.masterKeyFileMode & GROUP_OR_OTHER_BITS) !== 0,
    message: 'the master key file can be read by other users',
    fix: 'chmod 600 the master.key file in the data folder',
  },
  {
    id: 'tls-key-world-readable',
    severity: 'high',
    test: (_c, f) => f.tlsKeyFileMode !== undefined && (f.tlsKeyFileMode & 0o007) !== 0,
    message: 'the TLS private key can be read by any user on the machine',
    fix: 'chmod 600 the file named by BULWARK_TLS_KEY (or 640 with a dedicated group)',
  },
  {
    id: 'tls-key-group-readable',
    severity: 'medium',
    test: (_c, f) =>
      f.tlsKeyFileMode !== undefined && (f.tlsKeyFileMode & 0o070) !== 0 && (f.tlsKeyFileMode & 0o007) === 0,
    message: 'the TLS private key can be read by members of its group',
    fix: 'make sure only the server’s user is in that group, or chmod 600 the key',
  },
  {
    id: 'tls-cert-expired',
    severity: 'high',
    test: (_c, f) => f.tlsCertNotAfterMs !== undefined && f.tlsCertNotAfterMs <= f.nowMs,
    message: 'the TLS certificate has expired',
    fix: 'renew the certificate; Bulwark reloads the file when it changes',
  },
  {
    id: 'tls-cert-expiring',
    severity: 'medium',
    test: (_c, f) =>
      f.tlsCertNotAfterMs !== undefined &&
      f.tlsCertNotAfterMs > f.nowMs &&
      f.tlsCertNotAfterMs - f.nowMs < CERT_WARNING_DAYS * DAY_MS,
    message: `the TLS certificate expires within ${CERT_WARNING_DAYS} days`,
    fix: 'renew the certificate; Bulwark reloads the file when it changes',
  },
  {
    id: 'invalid-address-list',
    severity: 'high',
    test: (c) =>
      [
        ...c.server.trustedProxies,
        ...c.abuse.allowList,
        ...c.abuse.denyList,
        ...c.abuse.adminAllowList,
        ...c.metrics.allowedCidrs,
      ].some((entry) => !isValidCidr(entry)),
    message:
      'an entry of server.trustedProxies, an abuse allow/deny list or metrics.allowedCidrs is not an IP address or CIDR',
    fix: 'write entries like 10.0.0.0/8, 203.0.113.7 or 2001:db8::/32',
  },
  {
    id: 'invalid-outbound-allowed-cidrs',
    severity: 'high',
    test: (c) => c.outbound.allowedCidrs.some((entry) => !isValidCidr(entry)),
    message: 'an entry of outbound.allowedCidrs is not an IP address or CIDR',
    fix: 'write entries like 10.1.2.0/24, 127.0.0.1/32 or fd00:1::/48 in outbound.allowedCidrs',
  },
  {
    id: 'invalid-outbound-dns-servers',
    severity: 'high',
    test: (c) => c.outbound.dnsServers.some((entry) => !isValidDnsServer(entry)),
    message: 'an entry of outbound.dnsServers is not an IP address with an optional port',
    fix: 'write entries like 10.0.0.53, 10.0.0.53:5353 or [2606:4700::1111]:53 in outbound.dnsServers',
  },
  {
    // An allow-list meant for one internal receiver that opens the cloud metadata endpoint
    // (credentials for the whole account) or a whole private network undoes the SSRF guard.
    id: 'outbound-allow-list-too-broad',
    severity: 'medium',
    test: (c) => c.outbound.allowedCidrs.some(isBroadAllowance),
    message:
      'outbound.allowedCidrs lets webhooks reach a cloud metadata address or a whole private range wider than /16 (IPv6: /48)',
    fix: 'allow-list only the receivers’ own addresses or subnets (e.g. 10.1.2.0/24)',
  },
  {
    id: 'oidc-issuer-refused-by-outbound',
    severity: 'medium',
    test: (c) => {
      const judge = createAddressJudge(c.outbound.allowedCidrs.filter(isValidCidr));
      return c.auth.oidc.providers.some(
        (p) => checkParsedUrl(p.issuer, c.outbound.allowHttp, judge) instanceof OutboundError,
      );
    },
    message: 'an OIDC issuer URL is refused by the outbound policy, so sign-in with that provider fails',
    fix: 'for a provider on a private or loopback address, add the address to outbound.allowedCidrs (and set outbound.allowHttp for an http:// issuer)',
  },
  {
    // A claim that lapses while its delivery is still being sent lets another instance send it
    // too: the receiver gets the event twice.
    id: 'webhook-lease-below-outbound-timeout',
    severity: 'medium',
    test: (c) => c.webhooks.leaseMs <= c.outbound.totalTimeoutMs,
    message: 'webhooks.leaseMs is not longer than outbound.totalTimeoutMs, so a slow delivery can be sent twice',
    fix: 'set webhooks.leaseMs well above outbound.totalTimeoutMs (the default 120000 is 12 times the default timeout)',
  },
  {
    id: 'redis-without-tls',
    severity: 'medium',
    test: (c) => c.redis.url?.startsWith('redis://') === true && !isLoopbackHost(hostOf(c.redis.url)),
    message: 'the Redis connection to a non-loopback host is not encrypted',
    fix: 'use a rediss:// URL in redis.url (BULWARK_REDIS_URL)',
  },
  {
    id: 'database-without-tls',
    severity: 'medium',
    test: (c) => c.database.url !== undefined && isRemoteWithoutTls(c.database.url),
    message: 'the PostgreSQL connection to a non-loopback host does not require verified TLS',
    fix: 'add sslmode=verify-full to database.url (BULWARK_DATABASE_URL)',
  },
  {
    // File bytes and the S3 request signatures would cross the network readable by anyone on
    // the path; a bucket on this machine (a local MinIO) is exempt.
    id: 'files-s3-plain-http',
    severity: 'high',
    test: (c) =>
      usesS3(c) && c.files.s3.endpoint?.startsWith('http://') === true && !isLoopbackHost(hostOf(c.files.s3.endpoint)),
    message:
      'files go to an S3 endpoint off this machine over plain HTTP, so every upload and download can be read on the way',
    fix: 'use the https:// endpoint in files.s3.endpoint (BULWARK_FILES_S3_ENDPOINT)',
  },
  {
    id: 'files-s3-incomplete',
    severity: 'high',
    test: (c) => usesS3(c) && !(c.files.s3.bucket && c.files.s3.accessKeyId && c.files.s3.secretAccessKey),
    message: 'files.storage is s3 but the bucket or its credentials are not set, so no upload could be stored',
    fix: 'set files.s3.bucket, files.s3.accessKeyId and BULWARK_FILES_S3_SECRET_ACCESS_KEY, or set files.storage to local',
  },
  {
    id: 'files-scan-socket-missing',
    severity: 'medium',
    test: (_c, f) => f.clamdSocketPresent === false,
    message: 'malware scanning is on but clamd’s socket does not exist, so every upload would stay quarantined',
    fix: 'start clamav-daemon (and freshclam for its signatures), or correct files.scan.clamdSocket',
  },
  {
    id: 'files-scan-limit-below-uploads',
    severity: 'medium',
    test: (c) => c.files.scan.clamdSocket !== '' && c.files.scan.maxStreamBytes < c.files.maxUploadBytes,
    message:
      'uploads may be larger than files.scan.maxStreamBytes, and a file too large to scan stays quarantined for good',
    fix: 'raise files.scan.maxStreamBytes (and clamd’s StreamMaxLength) to files.maxUploadBytes, or lower files.maxUploadBytes',
  },
  {
    // The audit log is evidence: off this machine it must not be readable or forgeable on the way.
    id: 'audit-syslog-plain-tcp',
    severity: 'high',
    test: (c) => c.audit.syslog.url?.startsWith('tcp://') === true && !isLoopbackHost(hostOf(c.audit.syslog.url)),
    message: 'the audit log would be shipped to a syslog receiver off this machine over plain TCP',
    fix: 'use a syslog+tls:// URL in audit.syslog.url (BULWARK_AUDIT_SYSLOG_URL), with audit.syslog.caFile naming the receiver’s CA',
  },
  {
    id: 'audit-syslog-client-cert-half',
    severity: 'high',
    test: (c) => Boolean(c.audit.syslog.certFile) !== Boolean(c.audit.syslog.keyFile),
    message: 'only one of audit.syslog.certFile and audit.syslog.keyFile is set',
    fix: 'set both (the client certificate and its key) or neither',
  },
  {
    // clamd speaks no TLS: over TCP the whole file travels in clear.
    id: 'files-scan-remote-clamd',
    severity: 'medium',
    test: (c) => isRemoteClamd(c.files.scan.clamdSocket),
    message: 'uploads are sent to a clamd on another machine, unencrypted (clamd has no TLS)',
    fix: 'run clamd on this machine and use its unix socket or a loopback address in files.scan.clamdSocket',
  },
  ...ALERT_CHECKS,
];

const usesS3 = (config: FrozenConfig): boolean => config.files.storage === 's3';

function isRemoteClamd(socket: string): boolean {
  if (socket === '' || socket.startsWith('/')) return false;
  return !isLoopbackHost(socket.slice(0, socket.lastIndexOf(':')));
}

/** Runs every check; findings come back most severe first. */
export function runConfigChecks(config: FrozenConfig, facts: DeploymentFacts): Finding[] {
  const order: Record<Severity, number> = { high: 0, medium: 1, low: 2 };
  return CONFIG_CHECKS.filter((check) => check.test(config, facts))
    .map(({ id, severity, message, fix }) => ({ id, severity, message, fix }))
    .sort((a, b) => order[a.severity] - order[b.severity]);
}

/** Reads file modes and the certificate's expiry; absent files are simply unknown facts. */
export function gatherDeploymentFacts(config: FrozenConfig, nowMs = Date.now()): DeploymentFacts {
  return {
    nowMs,
    dataDirMode: modeOf(config.dataDir),
    masterKeyFileMode: config.masterKey ? undefined : modeOf(join(config.dataDir, MASTER_KEY_FILE)),
    tlsKeyFileMode: config.tls.key ? modeOf(config.tls.key) : undefined,
    tlsCertNotAfterMs: config.tls.cert ? certNotAfter(config.tls.cert) : undefined,
    clamdSocketPresent: config.files.scan.clamdSocket.startsWith('/')
      ? existsSync(config.files.scan.clamdSocket)
      : undefined,
  };
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o777;
  } catch {
    return undefined;
  }
}

function certNotAfter(path: string): number | undefined {
  try {
    return Date.parse(new X509Certificate(readFileSync(path)).validTo);
  } catch {
    return undefined;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return '';
  }
}

function isRemoteWithoutTls(url: string): boolean {
  try {
    const parsed = new URL(url);
    const sslmode = parsed.searchParams.get('sslmode');
    return !isLoopbackHost(parsed.hostname) && sslmode !== 'verify-full' && sslmode !== 'verify-ca';
  } catch {
    return false;
  }
}
