import type { AuditCheck, AuditFacts } from './audit-check.js';
import { type CertificateFacts, isWeakCertificateKey } from './certificate-facts.js';

const certificateOf = (facts: AuditFacts): CertificateFacts | undefined =>
  typeof facts.certificate === 'object' ? facts.certificate : undefined;

/**
 * The certificate Bulwark serves. Expiry (expired, expiring within 30 days) is in
 * config/checks.ts, which `serve` runs at start too; these add what only an audit reports.
 */
export const TLS_CHECKS: readonly AuditCheck[] = [
  {
    id: 'tls-cert-unreadable',
    severity: 'high',
    describe: (facts) =>
      facts.certificate === 'unreadable'
        ? `the TLS certificate ${facts.config.tls.cert} cannot be read as a PEM certificate`
        : null,
    fix: 'point tls.cert (BULWARK_TLS_CERT) at the PEM certificate (chain) file, readable by the server',
  },
  {
    id: 'tls-key-weak',
    severity: 'high',
    describe: (facts) => {
      const certificate = certificateOf(facts);
      if (!certificate || !isWeakCertificateKey(certificate)) return null;
      return `the TLS certificate has a weak key: ${certificate.keyType}${certificate.keyBits ? ` ${certificate.keyBits} bits` : ''}`;
    },
    fix: 'issue a new certificate for an RSA key of at least 2048 bits (3072 preferred) or an EC P-256 / P-384 key',
  },
  {
    id: 'tls-cert-self-signed',
    severity: 'medium',
    describe: (facts) =>
      certificateOf(facts)?.isSelfSigned
        ? 'the TLS certificate is self-signed: clients cannot verify it, and are taught to skip verification'
        : null,
    fix: 'use a certificate from a CA the clients trust (e.g. Let’s Encrypt), or an internal CA whose root the clients install',
  },
  {
    id: 'tls-cert-not-yet-valid',
    severity: 'high',
    describe: (facts) => {
      const certificate = certificateOf(facts);
      return certificate && certificate.notBeforeMs > facts.nowMs
        ? `the TLS certificate is not valid before ${new Date(certificate.notBeforeMs).toISOString()}`
        : null;
    },
    fix: 'check the machine’s clock, or install the certificate that is valid now',
  },
];
