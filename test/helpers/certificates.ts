import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestCertificate {
  certPath: string;
  keyPath: string;
  cert: Buffer;
  key: Buffer;
  /** Same format as `getPeerCertificate().fingerprint256`. */
  fingerprint256: string;
}

/**
 * A throwaway self-signed RSA 2048 certificate for CN=localhost, valid for 127.0.0.1 and localhost,
 * written by the openssl CLI into `dir` (a temporary folder the test removes). Never commit the output.
 */
export function createSelfSignedCertificate(dir: string, name: string): TestCertificate {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '90',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1,DNS:localhost',
      '-keyout',
      keyPath,
      '-out',
      certPath,
    ],
    { stdio: 'ignore', timeout: 30_000 },
  );
  const cert = readFileSync(certPath);
  return {
    certPath,
    keyPath,
    cert,
    key: readFileSync(keyPath),
    fingerprint256: new X509Certificate(cert).fingerprint256,
  };
}

export interface HandshakeResult {
  established: boolean;
  protocol: string | undefined;
  cipher: string | undefined;
  /** stdout and stderr together, for alert messages and failure diagnostics. */
  output: string;
}

/**
 * Runs `openssl s_client -brief` against 127.0.0.1:port with stdin closed, so it exits right after
 * the handshake. Asynchronous on purpose: a synchronous child would block the in-process server.
 */
export function opensslHandshake(port: number, args: readonly string[]): Promise<HandshakeResult> {
  return new Promise((resolve) => {
    const child = execFile(
      'openssl',
      ['s_client', '-brief', '-connect', `127.0.0.1:${port}`, ...args],
      { timeout: 10_000 },
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        resolve({
          established: !error && output.includes('CONNECTION ESTABLISHED'),
          protocol: /^Protocol version: (\S+)/m.exec(output)?.[1],
          cipher: /^Ciphersuite: (\S+)/m.exec(output)?.[1],
          output,
        });
      },
    );
    child.stdin?.end();
  });
}
