import {
  DummyDriver,
  type Expression,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  sql,
} from 'kysely';
import { createDatabase, type DialectName } from '../../../db/index.js';
import { appError } from '../../../errors/index.js';
import type { FieldResolver, Literal, ValueType } from '../resolver.js';

/**
 * Test support for the rules tests (not exported from the feature): migration-free tables on
 * SQLite (in memory) or PostgreSQL (a throwaway schema), a schema-driven resolver, and a
 * connection-less compiler for the other dialect's golden SQL. The PostgreSQL schema factory
 * is passed in by the test (test/helpers/test-app.ts) so src/ never imports test/.
 */

export type SchemaFactory = () => Promise<{ url: string; schema: string; drop: () => Promise<void> }>;

/** Rows of any test table: every column is text, number or 0/1. */
export type TestRow = Record<string, string | number>;

export interface RuleTestDb {
  db: Kysely<Record<string, TestRow>>;
  dialect: DialectName;
  close: () => Promise<void>;
}

export async function openRuleTestDb(dialect: DialectName, createSchema: SchemaFactory): Promise<RuleTestDb> {
  if (dialect === 'sqlite') {
    const database = createDatabase({ sqlitePath: ':memory:' });
    return { db: database.db as unknown as Kysely<Record<string, TestRow>>, dialect, close: database.close };
  }
  const schema = await createSchema();
  const database = createDatabase({ url: schema.url, sqlitePath: '', schema: schema.schema, maxConnections: 2 });
  return {
    db: database.db as unknown as Kysely<Record<string, TestRow>>,
    dialect,
    close: async () => {
      await database.close();
      await schema.drop();
    },
  };
}

/** Creates a table whose columns are NOT NULL with the zero value of their type, like collections do. */
export async function createTestTable(
  test: RuleTestDb,
  table: string,
  columns: Readonly<Record<string, ValueType>>,
): Promise<void> {
  let builder = test.db.schema.createTable(table).addColumn('id', 'text', (c) => c.primaryKey());
  for (const [name, type] of Object.entries(columns)) {
    const columnType =
      type === 'number'
        ? test.dialect === 'postgres'
          ? 'double precision'
          : 'real'
        : type === 'bool'
          ? 'integer'
          : 'text';
    const zero = type === 'number' || type === 'bool' ? 0 : type === 'json' ? 'null' : '';
    builder = builder.addColumn(name, columnType, (c) => c.notNull().defaultTo(zero));
  }
  await builder.execute();
}

export interface RelationSpec {
  /** Column of the queried table holding the related id. */
  column: string;
  table: string;
  fields: Readonly<Record<string, ValueType>>;
  /** Relations of the related table, for two-hop paths. */
  relations?: Readonly<Record<string, RelationSpec>>;
}

export interface TestResolverOptions {
  table: string;
  fields: Readonly<Record<string, ValueType>>;
  relations?: Readonly<Record<string, RelationSpec>>;
  request?: Readonly<Record<string, { value: Literal; type: ValueType }>>;
  /** Fields present but not filterable (hidden/encrypted): the resolver throws for them. */
  hidden?: readonly string[];
}

/** A resolver over plain test tables; relation hops become correlated subqueries. */
export function createTestResolver(options: TestResolverOptions): FieldResolver {
  return {
    resolveField: (path) => resolvePath(options, path, options.table, 0),
    resolveRequest: (path) => {
      const key = path.join('.');
      return options.request && Object.hasOwn(options.request, key) ? options.request[key] : undefined;
    },
  };
}

function resolvePath(
  spec: Pick<TestResolverOptions, 'fields' | 'relations' | 'hidden'>,
  path: readonly string[],
  table: string,
  hop: number,
): { sql: Expression<unknown>; type: ValueType } | null {
  const [head, ...rest] = path;
  if (head === undefined) return null;
  if (spec.hidden?.includes(head)) {
    throw appError('RULE_FIELD_NOT_FILTERABLE', { detail: `field "${head}" cannot be filtered on` });
  }
  if (rest.length === 0) {
    // Own keys only: `toString` or `__proto__` in rule text must not find Object.prototype.
    const type = head === 'id' ? 'text' : Object.hasOwn(spec.fields, head) ? spec.fields[head] : undefined;
    return type ? { sql: sql.ref(`${table}.${head}`), type } : null;
  }
  const relation = spec.relations && Object.hasOwn(spec.relations, head) ? spec.relations[head] : undefined;
  if (!relation) return null;
  const alias = `r${hop}_${relation.table}`;
  const inner = resolvePath(relation, rest, alias, hop + 1);
  if (!inner) return null;
  return {
    sql: sql`(select ${inner.sql} from ${sql.table(relation.table)} as ${sql.id(alias)} where ${sql.ref(`${alias}.id`)} = ${sql.ref(`${table}.${relation.column}`)})`,
    type: inner.type,
  };
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
