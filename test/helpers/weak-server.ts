import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

/**
 * A deliberately weak backend for the scanner's tests: every mistake `bulwark scan` looks for,
 * made on purpose. Served over plain HTTP and over HTTPS with TLS 1.0 and legacy suites allowed.
 * It counts the requests it receives, so a test can check the scanner's request budget.
 */
export interface WeakServer {
  origin: string;
  /** HTTP requests received (TLS handshakes without a request are not counted). */
  requestCount: () => number;
  close: () => Promise<void>;
}

const SOFT_404 = '<!doctype html><html><body><h1>Sorry</h1><p>That page is not here.</p></body></html>';
const STACK_BODY =
  'SyntaxError: Unexpected end of JSON input\n    at JSON.parse (<anonymous>)\n    at parseBody (/srv/app/server.js:42:17)\n';
const LISTING =
  '<html><head><title>Index of /uploads</title></head><body><h1>Index of /uploads</h1><a href="a.pdf">a.pdf</a></body></html>';

/** Fixed answers by path: content that really is the file the scanner looks for. */
const FILES: Record<string, string | Buffer> = {
  '/.env': 'DB_PASSWORD=not-a-real-secret\nAPI_KEY=also-fake\n',
  '/.git/config': '[core]\n\trepositoryformatversion = 0\n\tbare = false\n',
  '/.git/HEAD': 'ref: refs/heads/main\n',
  '/backup.zip': Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(60)]),
  '/.DS_Store': Buffer.concat([Buffer.from('\0\0\0\x01Bud1', 'latin1'), Buffer.alloc(60)]),
  '/uploads/': LISTING,
};

function handle(req: IncomingMessage, res: ServerResponse, body: string): void {
  const url = new URL(req.url ?? '/', 'http://weak.invalid');
  res.setHeader('Server', 'Apache/2.4.1 (Unix)');
  res.setHeader('X-Powered-By', 'Express 4.17.1');
  const origin = req.headers.origin;
  if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
    // A preflight answered with a wildcard and credentials together.
    res.writeHead(204, { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Credentials': 'true' }).end();
    return;
  }
  if (origin) {
    // Any origin, `null` included, reflected with credentials.
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
  }
  if (req.method === 'TRACE') {
    const echoed = Object.entries(req.headers).map(([name, value]) => `${name}: ${String(value)}`);
    res.writeHead(200, { 'Content-Type': 'message/http' }).end(`TRACE ${req.url} HTTP/1.1\r\n${echoed.join('\r\n')}`);
    return;
  }
  if (req.method === 'OPTIONS') {
    res.writeHead(200, { Allow: 'GET, POST, PUT, DELETE, TRACE, OPTIONS' }).end();
    return;
  }
  if (req.method === 'POST' && url.pathname === '/api/login') {
    res.writeHead(401, { 'Content-Type': 'application/json' }).end('{"error":"invalid credentials"}');
    return;
  }
  if (req.method === 'POST') {
    const isJson = body.length > 0 && isParsable(body);
    res.writeHead(isJson ? 200 : 400, { 'Content-Type': 'text/plain' }).end(isJson ? 'ok' : STACK_BODY);
    return;
  }
  if (url.pathname === '/login' && url.searchParams.has('next')) {
    res.writeHead(302, { Location: url.searchParams.get('next') ?? '/' }).end();
    return;
  }
  if (url.pathname === '/') {
    res.setHeader('Set-Cookie', 'sessionid=weak-session-value; Path=/');
    res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><html><body>Welcome</body></html>');
    return;
  }
  const file = FILES[url.pathname];
  if (file !== undefined) {
    res.writeHead(200).end(file);
    return;
  }
  // A soft 404 (status 200) with a short HSTS: a status-only scanner would "find" every file here.
  res.writeHead(200, { 'Content-Type': 'text/html', 'Strict-Transport-Security': 'max-age=60' }).end(SOFT_404);
}

function isParsable(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

async function listen(server: Server, tls: boolean): Promise<WeakServer> {
  let count = 0;
  server.on('request', () => {
    count += 1;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requestCount: () => count,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const onRequest = (req: IncomingMessage, res: ServerResponse) => {
  let body = '';
  req.setEncoding('utf8');
  req.on('data', (chunk: string) => {
    body += chunk;
  });
  req.on('end', () => handle(req, res, body));
};

export function startWeakHttpServer(): Promise<WeakServer> {
  return listen(createHttpServer(onRequest), false);
}

/** The same handler over TLS 1.0–1.3 with every suite OpenSSL still has, under the given certificate. */
export function startWeakHttpsServer(certificate: { cert: Buffer; key: Buffer }): Promise<WeakServer> {
  const server = createHttpsServer({ ...certificate, minVersion: 'TLSv1', ciphers: 'DEFAULT@SECLEVEL=0' }, onRequest);
  server.on('tlsClientError', () => {});
  return listen(server, true);
}

const openssl = (args: string[], cwd: string) =>
  execFileSync('openssl', args, { cwd, stdio: 'ignore', timeout: 30_000 });

/**
 * Self-signed, RSA 1024, valid 10 more days, for `weak.invalid` only: untrusted, wrong host,
 * expiring soon and a short key, all at once.
 */
export function createWeakCertificate(dir: string): { cert: Buffer; key: Buffer } {
  openssl(
    ['req', '-x509', '-newkey', 'rsa:1024', '-nodes', '-sha256', '-days', '10', '-subj', '/CN=weak.invalid'].concat([
      '-addext',
      'subjectAltName=DNS:weak.invalid',
      '-keyout',
      'weak.key',
      '-out',
      'weak.crt',
    ]),
    dir,
  );
  return { cert: readFileSync(join(dir, 'weak.crt')), key: readFileSync(join(dir, 'weak.key')) };
}

/** A certificate that ended in February 2020: `openssl ca` is the one OpenSSL 3.0 tool that backdates. */
export function createExpiredCertificate(dir: string): { cert: Buffer; key: Buffer } {
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '01\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    '[ca]\ndefault_ca = expired\n[expired]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\n' +
      'default_md = sha256\npolicy = any\nunique_subject = no\ncopy_extensions = copy\n[any]\ncommonName = supplied\n',
  );
  openssl(
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ].concat(['-keyout', 'expired.key', '-out', 'expired.csr']),
    dir,
  );
  openssl(
    ['ca', '-batch', '-config', 'ca.cnf', '-selfsign', '-keyfile', 'expired.key', '-in', 'expired.csr'].concat([
      '-startdate',
      '20200101000000Z',
      '-enddate',
      '20200201000000Z',
      '-out',
      'expired.crt',
    ]),
    dir,
  );
  return { cert: readFileSync(join(dir, 'expired.crt')), key: readFileSync(join(dir, 'expired.key')) };
}
