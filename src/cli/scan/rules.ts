/** How bad a finding is: `high` makes `bulwark scan` exit 1. */
export type Severity = 'high' | 'medium' | 'low';

/** The check families, in the order the scan runs them (sign-in last: it may get the scanner banned). */
export type CheckFamily =
  | 'tls'
  | 'headers'
  | 'errors'
  | 'cookies'
  | 'cors'
  | 'files'
  | 'redirects'
  | 'methods'
  | 'sign-in';

/** One kind of finding: its id is stable (SARIF rule id, JSON `id`, README table). */
export interface ScanRule {
  id: string;
  check: CheckFamily;
  /** The usual severity; a finding may raise it (CORS with credentials) and says so in its evidence. */
  severity: Severity;
  title: string;
  fix: string;
}

const rule = (id: string, check: CheckFamily, severity: Severity, title: string, fix: string): ScanRule => ({
  id,
  check,
  severity,
  title,
  fix,
});

/** Every finding the scanner can raise; docs/findings.md is generated from them, and the README names the same ids. */
export const SCAN_RULES: readonly ScanRule[] = [
  rule('tls-protocol-tls1.0', 'tls', 'high', 'accepts TLS 1.0', 'allow TLS 1.2 and 1.3 only'),
  rule('tls-protocol-tls1.1', 'tls', 'medium', 'accepts TLS 1.1', 'allow TLS 1.2 and 1.3 only'),
  rule(
    'tls-cipher-3des-rc4',
    'tls',
    'high',
    'accepts 3DES or RC4 suites',
    'offer AEAD suites only (AES-GCM, ChaCha20)',
  ),
  rule(
    'tls-cipher-rsa-key-exchange',
    'tls',
    'medium',
    'accepts RSA key exchange (no forward secrecy)',
    'offer ECDHE suites only',
  ),
  rule('tls-cipher-cbc', 'tls', 'low', 'accepts non-AEAD (CBC) suites', 'offer AEAD suites only (AES-GCM, ChaCha20)'),
  rule(
    'tls-certificate-untrusted',
    'tls',
    'high',
    'certificate chain does not verify',
    'serve the full chain of a trusted CA (use --ca for a private CA)',
  ),
  rule('tls-certificate-hostname', 'tls', 'high', 'certificate not valid for this host', 'issue it for this name'),
  rule('tls-certificate-expired', 'tls', 'high', 'certificate expired', 'renew the certificate'),
  rule('tls-certificate-expiring', 'tls', 'medium', 'certificate expires within 30 days', 'renew it or fix renewal'),
  rule('tls-weak-key', 'tls', 'medium', 'certificate key below RSA 2048 / EC 256 bits', 'issue it with a larger key'),
  rule('header-csp-missing', 'headers', 'medium', 'no Content-Security-Policy', "send one (APIs: default-src 'none')"),
  rule('header-hsts-missing', 'headers', 'medium', 'no Strict-Transport-Security over HTTPS', 'send max-age=31536000'),
  rule('header-hsts-short', 'headers', 'low', 'HSTS max-age under 180 days', 'send max-age=31536000'),
  rule('header-nosniff-missing', 'headers', 'low', 'no X-Content-Type-Options: nosniff', 'send it'),
  rule(
    'header-framing-missing',
    'headers',
    'medium',
    'framing allowed (no frame-ancestors, no X-Frame-Options)',
    "send frame-ancestors 'none' or X-Frame-Options: DENY",
  ),
  rule('header-referrer-policy-missing', 'headers', 'low', 'no Referrer-Policy', 'send no-referrer'),
  rule('banner-server-version', 'headers', 'low', 'Server header names a version', 'drop the version'),
  rule('banner-x-powered-by', 'headers', 'low', 'X-Powered-By names the framework', 'drop the header'),
  rule(
    'error-verbose',
    'errors',
    'medium',
    'error response reveals internals (stack trace, file path, SQL, framework)',
    'answer errors with a generic body; log details on the server',
  ),
  rule('cookie-secure-missing', 'cookies', 'medium', 'cookie without Secure over HTTPS', 'set Secure'),
  rule('cookie-httponly-missing', 'cookies', 'medium', 'session-like cookie without HttpOnly', 'set HttpOnly'),
  rule('cookie-samesite-missing', 'cookies', 'low', 'cookie without SameSite', 'set SameSite=Lax or Strict'),
  rule(
    'cors-origin-reflected',
    'cors',
    'low',
    'any Origin is echoed in Access-Control-Allow-Origin (high with credentials)',
    'allow a fixed list of origins',
  ),
  rule(
    'cors-null-origin',
    'cors',
    'medium',
    'Origin: null is allowed (high with credentials)',
    'never allow the null origin',
  ),
  rule(
    'cors-wildcard-credentials',
    'cors',
    'medium',
    'Access-Control-Allow-Origin: * together with credentials',
    'allow a fixed list of origins',
  ),
  rule('exposed-env-file', 'files', 'high', 'environment file served', 'keep .env outside the web root'),
  rule('exposed-git', 'files', 'high', 'Git repository metadata served', 'keep .git outside the web root'),
  rule('exposed-backup', 'files', 'high', 'backup or database file served', 'keep backups outside the web root'),
  rule('exposed-ds-store', 'files', 'low', '.DS_Store file served (lists file names)', 'remove it from the web root'),
  rule('directory-listing', 'files', 'medium', 'directory listing enabled', 'turn directory listings off'),
  rule(
    'open-redirect',
    'redirects',
    'medium',
    'redirects to any host named in a parameter',
    'redirect only to an allow-list',
  ),
  rule('http-trace-enabled', 'methods', 'medium', 'TRACE echoes the request', 'refuse TRACE'),
  rule('http-methods-risky', 'methods', 'low', 'OPTIONS allows TRACE, CONNECT, PUT or DELETE', 'allow what is used'),
  rule(
    'sign-in-not-rate-limited',
    'sign-in',
    'medium',
    'failed sign-ins are not throttled',
    'rate-limit sign-in by address and account (429 with Retry-After)',
  ),
];

const BY_ID = new Map(SCAN_RULES.map((entry) => [entry.id, entry]));

/** The rule of an id; an unknown id is a programming error. */
export function scanRule(id: string): ScanRule {
  const found = BY_ID.get(id);
  if (!found) throw new Error(`unknown scan rule ${id}`);
  return found;
}
