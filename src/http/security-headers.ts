/**
 * Headers every API response carries, including 404s, errors and Node's own parser errors.
 * Hand-written rather than @fastify/helmet because the same table must also be written on
 * raw sockets (client errors) where no Fastify hook runs; one table serves both.
 */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";
export const HSTS_VALUE = 'max-age=31536000; includeSubDomains';

const BASE_HEADERS: Readonly<Record<string, string>> = {
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
};

export function securityHeaders(isTls: boolean): Readonly<Record<string, string>> {
  return isTls ? { ...BASE_HEADERS, 'strict-transport-security': HSTS_VALUE } : BASE_HEADERS;
}
