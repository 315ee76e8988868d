/**
 * Node socket errors and PostgreSQL SQLSTATEs that mean the database cannot be reached right now
 * (refused, reset, shutting down, starting up, connection lost), not that the query is wrong:
 * the request may succeed if retried later, so it is a 503 with Retry-After, not a 500.
 */
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  // class 08, connection exception
  '08000',
  '08001',
  '08003',
  '08006',
  // admin_shutdown, crash_shutdown, cannot_connect_now (starting up or shutting down)
  '57P01',
  '57P02',
  '57P03',
]);

/** pg's own errors when a connection drops or none comes free; they carry no code. */
const UNREACHABLE_MESSAGES =
  /^(Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error)/;

export function isDatabaseUnreachable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return true;
  return typeof message === 'string' && UNREACHABLE_MESSAGES.test(message);
}
