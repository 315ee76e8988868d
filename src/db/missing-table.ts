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

/**
 * Whether a database error says a column does not exist, on either dialect (PostgreSQL's
 * undefined_column, SQLite's "no such column"): the sign of a database from before the
 * migration that added it, e.g. one a newer `bulwark audit` reads before its server upgraded it.
 */
export function isMissingColumn(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '42703' || (typeof message === 'string' && message.startsWith('no such column'));
}
