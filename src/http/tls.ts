import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import type { SecureContextOptions, Server as TlsServer } from 'node:tls';
import { createSecureContext } from 'node:tls';

/**
 * Mozilla "intermediate" profile (server-side TLS guidelines v5.7): TLS 1.2 suites below,
 * TLS 1.3 suites left at OpenSSL's defaults, which are all AEAD.
 */
export const INTERMEDIATE_CIPHERS = [
  'ECDHE-ECDSA-AES128-GCM-SHA256',
  'ECDHE-RSA-AES128-GCM-SHA256',
  'ECDHE-ECDSA-AES256-GCM-SHA384',
  'ECDHE-RSA-AES256-GCM-SHA384',
  'ECDHE-ECDSA-CHACHA20-POLY1305',
  'ECDHE-RSA-CHACHA20-POLY1305',
  'DHE-RSA-AES128-GCM-SHA256',
  'DHE-RSA-AES256-GCM-SHA384',
  'DHE-RSA-CHACHA20-POLY1305',
].join(':');

/** Oldest protocol offered: TLS 1.0 and 1.1 are deprecated (RFC 8996). */
export const TLS_MIN_VERSION = 'TLSv1.2';
/** Key-exchange groups, in the intermediate profile's order. */
export const TLS_ECDH_CURVES = 'X25519:prime256v1:secp384r1';

export interface TlsFiles {
  cert: string;
  key: string;
}

export function readTlsOptions(files: TlsFiles): SecureContextOptions {
  return {
    cert: readFileSync(files.cert),
    key: readFileSync(files.key),
    minVersion: TLS_MIN_VERSION,
    ciphers: INTERMEDIATE_CIPHERS,
    ecdhCurve: TLS_ECDH_CURVES,
    // Intermediate profile: clients choose, since every offered suite is strong.
    honorCipherOrder: false,
  };
}

/**
 * Reloads the certificate when either file changes (renewals by certbot and the like), keeping
 * the old context if the new pair does not load (a half-written file, a key that does not match).
 * Changes are settled first: a renewal writes two files, and reloading between the two writes
 * would report a spurious mismatch.
 */
export function watchTlsFiles(
  server: TlsServer,
  files: TlsFiles,
  onEvent: (event: { reloaded: boolean; error?: string }) => void,
  intervalMs = 2000,
): () => void {
  let settleTimer: NodeJS.Timeout | undefined;
  const reload = () => {
    try {
      const options = readTlsOptions(files);
      createSecureContext(options); // throws on a mismatched or malformed pair
      server.setSecureContext(options);
      onEvent({ reloaded: true });
    } catch (error) {
      onEvent({ reloaded: false, error: error instanceof Error ? error.message : 'unreadable' });
    }
  };
  const onChange = () => {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(reload, intervalMs);
  };
  watchFile(files.cert, { interval: intervalMs }, onChange);
  watchFile(files.key, { interval: intervalMs }, onChange);
  return () => {
    clearTimeout(settleTimer);
    unwatchFile(files.cert, onChange);
    unwatchFile(files.key, onChange);
  };
}
