import { type Kysely, sql } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { appError } from '../../errors/index.js';
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

/** Index names start with `i_`, which no table (`c_…`) can: the two share one namespace. */
const uniqueIndexName = (collection: string, field: string) => `i_${tableName(collection)}_${field}_unique`;

/**
 * Creates and alters the record table of a collection through Kysely's schema builder, so
 * identifiers come only from validated definitions and DDL is right for both dialects. Every
 * column is NOT NULL with its type's zero value, so rules never meet NULL.
 */
export function createTableMigrator(db: Kysely<DatabaseTables>) {
  const schema = db.schema;
  const relationIndexName = (collection: string, field: string) => `i_${tableName(collection)}_${field}_rel`;
  const addRelationIndex = (collection: string, field: string) =>
    schema
      .createIndex(relationIndexName(collection, field))
      .on(tableName(collection))
      .columns([field, 'created'])
      .execute();
  /**
   * Unique among set values only: the zero value ('' or 0) means "empty", and any number of
   * records may leave an optional unique field empty.
   */
  const addUniqueIndex = async (collection: string, field: FieldDefinition) => {
    try {
      await schema
        .createIndex(uniqueIndexName(collection, field.name))
        .on(tableName(collection))
        .column(field.name)
        .unique()
        .where(sql<boolean>`${sql.ref(field.name)} <> ${sql.lit(storedZero(field))}`)
        .execute();
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      if (code === '23505' || code.startsWith('SQLITE_CONSTRAINT')) {
        throw appError('COLL_UNIQUE_CONFLICT', { detail: `Records share values of "${field.name}".`, cause: error });
      }
      throw error;
    }
  };

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
        .createIndex(`i_${tableName(collection)}_created`)
        .on(tableName(collection))
        .column('created')
        .execute();
      // Relations are what rules filter on most (`owner = @request.auth.id`): index them.
      for (const field of fields.filter((f) => f.type === 'relation')) await addRelationIndex(collection, field.name);
      for (const field of fields.filter((f) => f.unique)) await addUniqueIndex(collection, field);
    },

    async addField(collection: string, field: FieldDefinition): Promise<void> {
      await schema
        .alterTable(tableName(collection))
        .addColumn(field.name, columnType(field), (c) => c.notNull().defaultTo(storedZero(field)))
        .execute();
      if (field.type === 'relation') await addRelationIndex(collection, field.name);
      if (field.unique) await addUniqueIndex(collection, field);
    },

    async dropField(collection: string, field: FieldDefinition): Promise<void> {
      if (field.unique) await schema.dropIndex(uniqueIndexName(collection, field.name)).ifExists().execute();
      if (field.type === 'relation')
        await schema.dropIndex(relationIndexName(collection, field.name)).ifExists().execute();
      await schema.alterTable(tableName(collection)).dropColumn(field.name).execute();
    },

    async setUnique(collection: string, field: FieldDefinition, isUnique: boolean): Promise<void> {
      if (isUnique) await addUniqueIndex(collection, field);
      else await schema.dropIndex(uniqueIndexName(collection, field.name)).ifExists().execute();
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
