/**
 * Whether a database error says a table does not exist, on either dialect (PostgreSQL's
 * undefined_table, SQLite's "no such table"): the sign of a database from before a migration,
 * or of one that holds no Bulwark tables at all.
 */
export function isMissingTable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '42P01' || (typeof message === 'string' && message.startsWith('no such table'));
}
