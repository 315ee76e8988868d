import { DefaultQueryExecutor } from 'kysely';
import { type MockInstance, vi } from 'vitest';

/**
 * Records the SQL text of every statement the app runs through Kysely while `work` runs (on
 * every handle: pool, transaction, connection), so a test can say which statements a request
 * ran without changing the path it takes. The spy is removed afterwards, whatever happens.
 */
export async function statementsDuring(work: () => Promise<unknown>): Promise<string[]> {
  // Every executor Kysely makes (the pool's, a transaction's) inherits executeQuery from one base.
  const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as {
    executeQuery: (query: { sql: string }, ...rest: unknown[]) => Promise<unknown>;
  };
  const seen: string[] = [];
  const original = base.executeQuery;
  const spy: MockInstance = vi.spyOn(base, 'executeQuery').mockImplementation(function (
    this: unknown,
    query: { sql: string },
    ...rest: unknown[]
  ) {
    seen.push(query.sql);
    return original.call(this, query, ...rest);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return seen;
}
