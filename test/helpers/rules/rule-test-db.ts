import {
  DummyDriver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { createDatabase, type DatabaseTables, type DialectName, migrateToLatest } from '../../../src/db/index.js';
import type { CollectionDefinition } from '../../../src/features/collections/collection-definition.js';
import { tableName } from '../../../src/features/collections/collection-definition.js';
import { zeroValue } from '../../../src/features/collections/field-values.js';
import {
  type Caller,
  createRecordResolver,
  type ResolverMode,
} from '../../../src/features/collections/record-resolver.js';
import { createTableMigrator } from '../../../src/features/collections/table-migrator.js';
import type { FieldResolver } from '../../../src/features/rules/index.js';
import { createSchema } from '../test-app.js';

/**
 * Test support for the rule language's tests: a migrated database (SQLite in memory, or a
 * throwaway PostgreSQL schema) whose record tables are made by the production table migrator,
 * and resolvers made by the production record resolver — so the golden, property and
 * hostile-input tests exercise exactly the code that serves requests.
 */

/** Rows of any record table: every column is text, number or 0/1. */
export type TestRow = Record<string, string | number>;

export interface RuleTestDb {
  db: Kysely<Record<string, TestRow>>;
  dialect: DialectName;
  close: () => Promise<void>;
}

export async function openRuleTestDb(dialect: DialectName): Promise<RuleTestDb> {
  const schema = dialect === 'postgres' ? await createSchema() : undefined;
  const database = schema
    ? createDatabase({ url: schema.url, sqlitePath: '', schema: schema.schema, maxConnections: 2 })
    : createDatabase({ sqlitePath: ':memory:' });
  await migrateToLatest(database);
  return {
    db: database.db as unknown as Kysely<Record<string, TestRow>>,
    dialect,
    close: async () => {
      await database.close();
      await schema?.drop();
    },
  };
}

/** Creates a collection's record table exactly as the collections feature does. */
export async function createRecordTable(test: RuleTestDb, definition: CollectionDefinition): Promise<void> {
  await createTableMigrator(test.db as unknown as Kysely<DatabaseTables>).createTable(
    definition.name,
    definition.fields,
  );
}

/**
 * Inserts rows into a collection's table. Columns a row leaves out hold their zero value, as a
 * record created without them would; `created`/`updated` default to a fixed instant.
 */
export async function insertRecords(
  test: RuleTestDb,
  definition: CollectionDefinition,
  rows: readonly TestRow[],
): Promise<void> {
  if (rows.length === 0) return;
  const zeros = Object.fromEntries(
    definition.fields.map((field) => [field.name, field.encrypted ? '' : zeroValue(field.type)]),
  );
  const stamped = rows.map((row) => ({
    ...zeros,
    created: '2020-01-01T00:00:00.000Z',
    updated: '2020-01-01T00:00:00.000Z',
    ...row,
  }));
  await test.db.insertInto(tableName(definition.name)).values(stamped).execute();
}

/** Inserts bare user accounts (id, role, verified), the columns rules can reach. */
export async function insertUsers(
  test: RuleTestDb,
  users: ReadonlyArray<{ id: string; role: string; verified: boolean }>,
): Promise<void> {
  for (const user of users) {
    await sql`insert into users (id, email, role, verified, disabled, created_ms, updated_ms)
      values (${user.id}, ${`${user.id}@example.com`}, ${user.role}, ${user.verified ? 1 : 0}, 0, 0, 0)`.execute(
      test.db,
    );
  }
}

export interface ResolverFor {
  definition: CollectionDefinition;
  related?: readonly CollectionDefinition[];
  mode?: ResolverMode;
  caller?: Partial<Caller>;
  body?: Readonly<Record<string, string | number>>;
}

/** The production record resolver for one collection and one request (rules mode by default). */
export function recordResolver(options: ResolverFor): FieldResolver {
  const related = new Map((options.related ?? []).map((d) => [d.name, d]));
  related.set(options.definition.name, options.definition);
  return createRecordResolver({
    definition: options.definition,
    mode: options.mode ?? 'rule',
    caller: { id: '', role: '', email: '', verified: false, ...options.caller },
    ...(options.body ? { body: options.body } : {}),
    relatedDefinition: (name) => related.get(name),
  });
}

/** A Kysely that only compiles, for asserting the other dialect's SQL without connecting. */
export function createCompileOnlyDb(dialect: DialectName): Kysely<Record<string, TestRow>> {
  const isPostgres = dialect === 'postgres';
  return new Kysely<Record<string, TestRow>>({
    dialect: {
      createAdapter: () => (isPostgres ? new PostgresAdapter() : new SqliteAdapter()),
      createDriver: () => new DummyDriver(),
      createIntrospector: (db) => (isPostgres ? new PostgresIntrospector(db) : new SqliteIntrospector(db)),
      createQueryCompiler: () => (isPostgres ? new PostgresQueryCompiler() : new SqliteQueryCompiler()),
    },
  });
}
