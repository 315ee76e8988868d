import { DefaultQueryExecutor } from 'kysely';
import { type MockInstance, vi } from 'vitest';

type Query = { sql: string; parameters: readonly unknown[]; queryId: { queryId: string } };

/** A statement as it went to the driver: its text, its values, and which compiled query it came from. */
export interface SeenStatement {
  sql: string;
  parameters: readonly unknown[];
  /** The same for every run of one compiled query (Kysely's queryId), new for each compilation. */
  compiledAs: string;
}

/**
 * Records every statement the app runs through Kysely while `work` runs (on
 * every handle: pool, transaction, connection), so a test can say which statements a request
 * ran without changing the path it takes. The spy is removed afterwards, whatever happens.
 */
export async function statementsDuring(work: () => Promise<unknown>): Promise<SeenStatement[]> {
  // Every executor Kysely makes (the pool's, a transaction's) inherits executeQuery from one base.
  const base = Object.getPrototypeOf(DefaultQueryExecutor.prototype) as {
    executeQuery: (query: Query, ...rest: unknown[]) => Promise<unknown>;
  };
  const seen: SeenStatement[] = [];
  const original = base.executeQuery;
  const spy: MockInstance = vi.spyOn(base, 'executeQuery').mockImplementation(function (
    this: unknown,
    query: Query,
    ...rest: unknown[]
  ) {
    seen.push({ sql: query.sql, parameters: query.parameters, compiledAs: query.queryId.queryId });
    return original.call(this, query, ...rest);
  });
  try {
    await work();
  } finally {
    spy.mockRestore();
  }
  return seen;
}
