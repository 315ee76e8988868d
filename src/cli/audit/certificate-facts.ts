import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';

export interface CertificateFacts {
  notBeforeMs: number;
  notAfterMs: number;
  /** `rsa`, `rsa-pss`, `ec`, `ed25519`, `dsa`…, from the certificate's public key. */
  keyType: string;
  /** RSA/DSA modulus length, or the EC curve's size; undefined for a curve we cannot size. */
  keyBits: number | undefined;
  /** Issued by itself (subject = issuer, signed with its own key): no CA vouches for it. */
  isSelfSigned: boolean;
}

/** Reads the PEM certificate at `path` (the first one of a chain); null when it cannot be parsed. */
export function readCertificateFacts(path: string): CertificateFacts | null {
  let certificate: X509Certificate;
  try {
    certificate = new X509Certificate(readFileSync(path));
  } catch {
    return null;
  }
  const key = certificate.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  return {
    notBeforeMs: Date.parse(certificate.validFrom),
    notAfterMs: Date.parse(certificate.validTo),
    keyType: key.asymmetricKeyType ?? 'unknown',
    keyBits: details.modulusLength ?? curveBits(details.namedCurve),
    isSelfSigned: certificate.checkIssued(certificate) && certificate.verify(key),
  };
}

/** prime256v1 → 256, secp384r1 → 384, brainpoolP512r1 → 512: the size is the curve name's number. */
function curveBits(curve: string | undefined): number | undefined {
  const bits = curve === undefined ? undefined : /(\d{3})/.exec(curve)?.[1];
  return bits === undefined ? undefined : Number(bits);
}

/**
 * Whether a key is too weak for a TLS certificate: RSA below 2048 bits (NIST SP 800-131A,
 * ASVS V12.1), EC below 256 bits, and DSA at all (no TLS 1.3 suite signs with it).
 */
export function isWeakCertificateKey(facts: Pick<CertificateFacts, 'keyType' | 'keyBits'>): boolean {
  switch (facts.keyType) {
    case 'rsa':
    case 'rsa-pss':
      return (facts.keyBits ?? 0) < 2048;
    case 'ec':
      return (facts.keyBits ?? 0) < 256;
    case 'ed25519':
    case 'ed448':
      return false;
    default:
      return true;
  }
}
