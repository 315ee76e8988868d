import { type Kysely, sql } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { type FieldDefinition, tableName } from './collection-definition.js';
import { zeroValue } from './field-values.js';

/** SQL column type of a field; encrypted values are always text (the sealed form). */
function columnType(field: FieldDefinition): 'text' | 'integer' | 'double precision' {
  if (field.encrypted) return 'text';
  if (field.type === 'number') return 'double precision';
  if (field.type === 'bool') return 'integer';
  return 'text';
}

function storedZero(field: FieldDefinition): string | number {
  return field.encrypted ? '' : zeroValue(field.type);
}

const uniqueIndexName = (collection: string, field: string) => `${tableName(collection)}_${field}_unique`;

/**
 * Creates and alters the record table of a collection through Kysely's schema builder, so
 * identifiers come only from validated definitions and DDL is right for both dialects. Every
 * column is NOT NULL with its type's zero value, so rules never meet NULL.
 */
export function createTableMigrator(db: Kysely<DatabaseTables>) {
  const schema = db.schema;
  const addUniqueIndex = (collection: string, field: string) =>
    schema.createIndex(uniqueIndexName(collection, field)).on(tableName(collection)).column(field).unique().execute();

  return {
    async createTable(collection: string, fields: FieldDefinition[]): Promise<void> {
      let builder = schema
        .createTable(tableName(collection))
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('created', 'text', (c) => c.notNull())
        .addColumn('updated', 'text', (c) => c.notNull());
      for (const field of fields) {
        builder = builder.addColumn(field.name, columnType(field), (c) => c.notNull().defaultTo(storedZero(field)));
      }
      await builder.execute();
      await schema
        .createIndex(`${tableName(collection)}_created`)
        .on(tableName(collection))
        .column('created')
        .execute();
      for (const field of fields.filter((f) => f.unique)) await addUniqueIndex(collection, field.name);
    },

    async addField(collection: string, field: FieldDefinition): Promise<void> {
      await schema
        .alterTable(tableName(collection))
        .addColumn(field.name, columnType(field), (c) => c.notNull().defaultTo(storedZero(field)))
        .execute();
      if (field.unique) await addUniqueIndex(collection, field.name);
    },

    async dropField(collection: string, field: FieldDefinition): Promise<void> {
      if (field.unique) await schema.dropIndex(uniqueIndexName(collection, field.name)).ifExists().execute();
      await schema.alterTable(tableName(collection)).dropColumn(field.name).execute();
    },

    async setUnique(collection: string, field: string, isUnique: boolean): Promise<void> {
      if (isUnique) await addUniqueIndex(collection, field);
      else await schema.dropIndex(uniqueIndexName(collection, field)).ifExists().execute();
    },

    /** Rows whose value of `field` is not its zero value: the data a drop would destroy. */
    async countNonZero(collection: string, field: FieldDefinition): Promise<number> {
      const row = await sql<{
        n: number | string;
      }>`SELECT COUNT(*) AS n FROM ${sql.table(tableName(collection))} WHERE ${sql.ref(field.name)} <> ${storedZero(field)}`.execute(
        db,
      );
      return Number(row.rows[0]?.n ?? 0);
    },

    async countRows(collection: string): Promise<number> {
      const row = await sql<{
        n: number | string;
      }>`SELECT COUNT(*) AS n FROM ${sql.table(tableName(collection))}`.execute(db);
      return Number(row.rows[0]?.n ?? 0);
    },

    dropTable: (collection: string) => schema.dropTable(tableName(collection)).execute(),
  };
}

export type TableMigrator = ReturnType<typeof createTableMigrator>;
