import { execFile, execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
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

export interface TestCertificateAuthority {
  certPath: string;
  keyPath: string;
  /** A server certificate for CN=localhost (127.0.0.1, localhost) signed by this CA, valid `days` (30). */
  issue: (name: string, days?: number) => TestCertificate;
}

/**
 * A throwaway certificate authority (RSA 2048, CA:TRUE, keyCertSign) made by the openssl CLI in
 * `dir`, for receivers that must present a chain a client verifies against a CA file, as a real
 * deployment's would. Never commit the output.
 */
export function createTestCertificateAuthority(dir: string, name = 'test-ca'): TestCertificateAuthority {
  const certPath = join(dir, `${name}.crt`);
  const keyPath = join(dir, `${name}.key`);
  const openssl = (args: string[]) => execFileSync('openssl', args, { stdio: 'ignore', timeout: 30_000 });
  openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-sha256',
    '-days',
    '30',
    '-subj',
    `/CN=Bulwark test CA ${name}`,
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
    '-keyout',
    keyPath,
    '-out',
    certPath,
  ]);
  return {
    certPath,
    keyPath,
    issue(leaf, days = 30) {
      const leafCert = join(dir, `${leaf}.crt`);
      const leafKey = join(dir, `${leaf}.key`);
      const request = join(dir, `${leaf}.csr`);
      const extensions = join(dir, `${leaf}.ext`);
      writeFileSync(
        extensions,
        'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\nkeyUsage=critical,digitalSignature,keyEncipherment\n',
      );
      openssl([
        'req',
        '-new',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-subj',
        '/CN=localhost',
        '-keyout',
        leafKey,
        '-out',
        request,
      ]);
      openssl([
        'x509',
        '-req',
        '-in',
        request,
        '-CA',
        certPath,
        '-CAkey',
        keyPath,
        '-CAcreateserial',
        '-days',
        String(days),
        '-sha256',
        '-extfile',
        extensions,
        '-out',
        leafCert,
      ]);
      const cert = readFileSync(leafCert);
      return {
        certPath: leafCert,
        keyPath: leafKey,
        cert,
        key: readFileSync(leafKey),
        fingerprint256: new X509Certificate(cert).fingerprint256,
      };
    },
  };
}
