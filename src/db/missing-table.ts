/**
 * Whether a database error says a table does not exist, on either dialect (PostgreSQL's
 * undefined_table, SQLite's "no such table"): for collections, the sign that the collection was
 * dropped between reading its definition and querying its table.
 */
export function isMissingTable(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  return code === '42P01' || (typeof message === 'string' && message.startsWith('no such table'));
}
