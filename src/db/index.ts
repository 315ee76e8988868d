export type { Database } from './create-database.js';
export { createDatabase, WRITE_LOCK_WAIT_MS } from './create-database.js';
export { isDatabaseContended } from './database-contended.js';
export { isDatabaseUnreachable } from './database-unreachable.js';
export type { DialectName } from './dialect.js';
export { isForeignKeyViolation } from './foreign-key-violation.js';
export { migrateToLatest } from './migrate.js';
export { isMissingColumn, isMissingTable } from './missing-table.js';
export { runCompiled } from './run-compiled.js';
export type * from './schema.js';
export {
  createSchemaVersionReader,
  type SchemaVersion,
  schemaVersionColumn,
  toSchemaVersion,
} from './schema-version.js';
export { isUniqueViolation } from './unique-violation.js';
export { writeTransaction } from './write-transaction.js';
