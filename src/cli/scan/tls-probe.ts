import { isIP } from 'node:net';
import { connect, type PeerCertificate, rootCertificates, type SecureVersion } from 'node:tls';

/** What one handshake showed: whether it completed, and what was negotiated. */
export interface Handshake {
  established: boolean;
  protocol?: string | undefined;
  cipher?: string | undefined;
  /** Why it failed: the alert or Node's error code. */
  failure?: string | undefined;
  certificate?: PeerCertificate | undefined;
  /** Whether the chain verified against the trusted roots (and --ca), with the reason if not. */
  authorized?: boolean | undefined;
  authorizationError?: string | undefined;
}

export interface HandshakeOptions {
  host: string;
  port: number;
  minVersion: SecureVersion;
  maxVersion: SecureVersion;
  /** An OpenSSL cipher string; `@SECLEVEL=0` is added so OpenSSL 3 offers legacy suites at all. */
  ciphers: string;
  /** Extra trusted CA certificates (PEM), added to Node's roots. */
  ca?: string;
  timeoutMs: number;
}

/**
 * Thrown when this machine's OpenSSL cannot offer what a probe asks (no 3DES in OpenSSL 3's
 * default provider, say): the probe says "not checked" instead of passing vacuously.
 */
export class ProbeUnavailableError extends Error {}

const LOCAL_REFUSAL = /NO_PROTOCOLS_AVAILABLE|NO_CIPHERS_AVAILABLE|no protocols available|no ciphers available/i;

/** One TLS handshake with the given offer; never sends application data. */
export function handshake(options: HandshakeOptions): Promise<Handshake> {
  return new Promise((resolve, reject) => {
    let socket: ReturnType<typeof connect>;
    try {
      socket = connect({
        host: options.host,
        port: options.port,
        ...(isIP(options.host) ? {} : { servername: options.host }),
        minVersion: options.minVersion,
        maxVersion: options.maxVersion,
        ciphers: `${options.ciphers}@SECLEVEL=0`,
        ca: options.ca ? [...rootCertificates, options.ca] : [...rootCertificates],
        rejectUnauthorized: false,
      });
    } catch (error) {
      // Raised before any packet is sent: the local OpenSSL has no such suite or version.
      reject(new ProbeUnavailableError((error as Error).message));
      return;
    }
    const timer = setTimeout(
      () => socket.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })),
      options.timeoutMs,
    );
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cipher = socket.getCipher();
      resolve({
        established: true,
        protocol: socket.getProtocol() ?? undefined,
        cipher: cipher.name,
        certificate: socket.getPeerCertificate(),
        authorized: socket.authorized,
        ...(socket.authorizationError ? { authorizationError: String(socket.authorizationError) } : {}),
      });
      socket.end();
    });
    socket.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      socket.destroy();
      // OpenSSL found nothing it may offer before sending a byte: not an answer from the server.
      if (LOCAL_REFUSAL.test(`${error.code ?? ''} ${error.message}`)) {
        reject(new ProbeUnavailableError(error.message));
        return;
      }
      resolve({ established: false, failure: error.code ?? error.message });
    });
  });
}
