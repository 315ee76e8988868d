/**
 * Whether a database error is a foreign-key violation, on either dialect: the sign that the row
 * referred to (a user) was deleted by a simultaneous request.
 */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}
