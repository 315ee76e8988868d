import type { CompiledQuery, Kysely } from 'kysely';

/**
 * Runs a statement built and compiled once (at start-up) with this call's values, in the order
 * its placeholders appear. Building and compiling a Kysely query costs more than running a small
 * indexed one; the values are still bound on every run, never spliced into the SQL.
 *
 * @example
 * const byHash = db.selectFrom('api_keys').selectAll().where('key_hash', '=', '').compile();
 * const [row] = await runCompiled(db, byHash, [keyHash]);
 */
export async function runCompiled<DB, R>(
  handle: Kysely<DB>,
  compiled: CompiledQuery<R>,
  parameters: readonly unknown[],
): Promise<R[]> {
  const { rows } = await handle.executeQuery<R>({ ...compiled, parameters });
  return rows;
}
