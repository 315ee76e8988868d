import { checkServerIdentity, type PeerCertificate } from 'node:tls';
import type { Severity } from './rules.js';
import { report, type ScanContext } from './scan-context.js';
import { type Handshake, type HandshakeOptions, handshake, ProbeUnavailableError } from './tls-probe.js';

const DAY_MS = 86_400_000;
/** A certificate this close to its end needs renewing now: automated renewal runs at 30 days. */
export const EXPIRY_WARNING_DAYS = 30;

const PROTOCOL_PROBES = [
  { id: 'tls-protocol-tls1.0', version: 'TLSv1', label: 'TLS 1.0' },
  { id: 'tls-protocol-tls1.1', version: 'TLSv1.1', label: 'TLS 1.1' },
] as const;

/**
 * Each probe offers only one family of suites (TLS 1.0–1.2; TLS 1.3 has none of them). A
 * handshake counts only when the negotiated suite is of that family (`isOfFamily`, by OpenSSL
 * name), so a suite leaking into the offer cannot raise a finding.
 */
const CIPHER_PROBES = [
  { id: 'tls-cipher-3des-rc4', ciphers: '3DES:RC4', label: '3DES/RC4 suites', isOfFamily: /DES-CBC3|3DES|RC4/ },
  // Static RSA names have no key-exchange prefix: AES128-SHA, AES256-GCM-SHA384.
  {
    id: 'tls-cipher-rsa-key-exchange',
    ciphers: 'kRSA',
    label: 'RSA key-exchange suites',
    isOfFamily: /^(?!ECDHE|DHE)/,
  },
  {
    id: 'tls-cipher-cbc',
    ciphers: 'ALL:!AESGCM:!AESCCM:!CHACHA20:!ARIA:!kRSA:!aNULL:!eNULL:!3DES:!RC4',
    label: 'CBC suites',
    isOfFamily: /^(?!.*(?:GCM|CCM|CHACHA20))/,
  },
] as const;

/** TLS versions, cipher suites and the certificate of an https target. */
export async function checkTls(context: ScanContext): Promise<void> {
  const { target } = context;
  const base: Omit<HandshakeOptions, 'minVersion' | 'maxVersion' | 'ciphers'> = {
    host: target.hostname.replace(/^\[|\]$/g, ''),
    port: Number(target.port || 443),
    timeoutMs: context.timeoutMs,
    ...(context.ca ? { ca: context.ca } : {}),
  };
  const first = await handshake({ ...base, minVersion: 'TLSv1', maxVersion: 'TLSv1.3', ciphers: 'DEFAULT' });
  if (!first.established) throw new TargetUnreachableError(first.failure ?? 'handshake failed');
  judgeCertificate(context, first, base.host);

  for (const probe of PROTOCOL_PROBES) {
    const result = await probeOrNote(context, probe.label, {
      ...base,
      minVersion: probe.version,
      maxVersion: probe.version,
      ciphers: 'DEFAULT',
    });
    if (result?.established)
      report(context, probe.id, target.origin, `handshake completed with ${result.protocol} (${result.cipher})`);
  }
  for (const probe of CIPHER_PROBES) {
    const result = await probeOrNote(context, probe.label, {
      ...base,
      minVersion: 'TLSv1',
      maxVersion: 'TLSv1.2',
      ciphers: probe.ciphers,
    });
    if (result?.established && probe.isOfFamily.test(result.cipher ?? '')) {
      report(context, probe.id, target.origin, `negotiated ${result.cipher} on ${result.protocol}`);
    }
  }
}

/** The target did not answer at all: the scan stops with one line. */
export class TargetUnreachableError extends Error {}

async function probeOrNote(context: ScanContext, label: string, options: HandshakeOptions): Promise<Handshake | null> {
  try {
    return await handshake(options);
  } catch (error) {
    if (!(error instanceof ProbeUnavailableError)) throw error;
    context.notes.push(`${label} not checked: this machine's OpenSSL cannot offer them (${error.message})`);
    return null;
  }
}

function judgeCertificate(context: ScanContext, result: Handshake, host: string): void {
  const certificate = result.certificate;
  const url = context.target.origin;
  if (!certificate?.valid_to) {
    context.notes.push('certificate not checked: the server sent none');
    return;
  }
  const expiry = classifyExpiry(new Date(certificate.valid_to), new Date());
  if (expiry) report(context, expiry.id, url, `valid until ${certificate.valid_to}`, expiry.severity);
  if (!result.authorized && result.authorizationError !== 'CERT_HAS_EXPIRED') {
    report(
      context,
      'tls-certificate-untrusted',
      url,
      `${result.authorizationError ?? 'not verified'}; subject ${describe(certificate)}`,
    );
  }
  const mismatch = checkServerIdentity(host, certificate);
  if (mismatch)
    report(
      context,
      'tls-certificate-hostname',
      url,
      `${host} not in ${certificate.subjectaltname ?? describe(certificate)}`,
    );
  const weakKey = weakKeyEvidence(certificate);
  if (weakKey) report(context, 'tls-weak-key', url, weakKey);
}

/** Expired: high; within EXPIRY_WARNING_DAYS: medium; otherwise nothing. */
export function classifyExpiry(validTo: Date, now: Date): { id: string; severity: Severity } | null {
  const daysLeft = (validTo.getTime() - now.getTime()) / DAY_MS;
  if (Number.isNaN(daysLeft) || daysLeft <= 0) return { id: 'tls-certificate-expired', severity: 'high' };
  if (daysLeft <= EXPIRY_WARNING_DAYS) return { id: 'tls-certificate-expiring', severity: 'medium' };
  return null;
}

/** RSA under 2048 bits or an elliptic curve under 256 bits (NIST SP 800-57: 112-bit security). */
function weakKeyEvidence(certificate: PeerCertificate): string | null {
  const isEc = Boolean(certificate.asn1Curve ?? certificate.nistCurve);
  const bits = certificate.bits;
  if (typeof bits !== 'number') return null;
  if (isEc ? bits < 256 : bits < 2048) return `${isEc ? 'EC' : 'RSA'} key of ${bits} bits`;
  return null;
}

function describe(certificate: PeerCertificate): string {
  return `CN=${[certificate.subject?.CN ?? ''].flat().join(',')}`;
}
