/**
 * Headers every API response carries, including 404s, errors and Node's own parser errors.
 * Hand-written rather than @fastify/helmet because the same table must also be written on
 * raw sockets (client errors) where no Fastify hook runs; one table serves both.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
/**
 * The CSP of the dashboard's pages and files (`/_/…`, the set-up page included): scripts, styles,
 * images and API calls from this origin only, no inline code or eval, no plugins, no framing, and
 * Trusted Types required with the one policy the dashboard makes (`bulwark-dashboard`, in
 * packages/dashboard/src/trusted-types.ts), which turns nothing into HTML.
 */
export const DASHBOARD_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'; " +
  "require-trusted-types-for 'script'; trusted-types bulwark-dashboard";
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

const BASE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': API_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  'x-permitted-cross-domain-policies': 'none',
  'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=()',
  // API answers hold personal data and tokens: no shared or browser cache may keep them.
  'cache-control': 'no-store',
});

const TLS_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  ...BASE_HEADERS,
  'strict-transport-security': HSTS_VALUE,
});

/** The table for a server with or without TLS: built once, shared by every answer. */
export function securityHeaders(isTls: boolean): Readonly<Record<string, string>> {
  return isTls ? TLS_HEADERS : BASE_HEADERS;
}

/** The same table as raw header lines (`name: value\r\n` each), for answers written on the socket. */
export function securityHeaderLines(isTls: boolean): string {
  return Object.entries(securityHeaders(isTls))
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
}
