import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { testDialect } from './test-app.js';

export interface TestDatabase {
  /** Extra environment for a spawned server: BULWARK_DATABASE_URL on PostgreSQL, nothing on SQLite. */
  env: Record<string, string>;
  drop: () => Promise<void>;
}

/** For tests that spawn the real binary: a whole fresh PostgreSQL database, or SQLite in the data folder. */
export async function createTestDatabase(): Promise<TestDatabase> {
  if (testDialect() !== 'postgres') return { env: {}, drop: async () => {} };
  const adminUrl = process.env.TEST_DATABASE_URL as string;
  const name = `bulwark_e2e_${randomBytes(6).toString('hex')}`;
  await withClient(adminUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    env: { BULWARK_DATABASE_URL: url.toString() },
    drop: () =>
      withClient(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => {}),
  };
}

export async function withClient<T>(url: string, run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}
