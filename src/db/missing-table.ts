/**
 * Whether a database error says a table does not exist, on either dialect (PostgreSQL's
 * undefined_table, SQLite's "no such table"): the sign of a database from before a migration,
 * of one that holds no Bulwark tables at all, or of a collection dropped between reading its
 * definition and querying its table.
 */
export function isMissingTable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '42P01' || (typeof message === 'string' && message.startsWith('no such table'));
}
