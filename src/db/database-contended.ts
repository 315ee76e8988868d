/**
 * Errors that mean the database was busy with another writer for longer than Bulwark waits
 * (SQLite's `busy_timeout`, PostgreSQL's `lock_timeout`), or chose this transaction to undo a
 * conflict: nothing is wrong with the request, and the same request may succeed in a moment,
 * so it is a 503 with Retry-After, not a 500.
 */
const CONTENDED_CODES = new Set([
  // SQLite: the write lock stayed taken (another process: `bulwark schema apply`, a restore check)
  'SQLITE_BUSY',
  'SQLITE_BUSY_SNAPSHOT',
  'SQLITE_BUSY_TIMEOUT',
  'SQLITE_LOCKED',
  // PostgreSQL: lock_not_available, serialization_failure, deadlock_detected
  '55P03',
  '40001',
  '40P01',
]);

export function isDatabaseContended(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: unknown };
  return typeof code === 'string' && CONTENDED_CODES.has(code);
}
