import type { Kysely } from 'kysely';
import type { DatabaseTables, FileStatus, FilesTable } from '../../db/index.js';

export type FileRow = FilesTable;

/** SQL of the `files` table, and nothing else. */
export function createFilesRepo(db: Kysely<DatabaseTables>) {
  return {
    insert: (row: FileRow) => db.insertInto('files').values(row).execute(),
    findById: (id: string) => db.selectFrom('files').selectAll().where('id', '=', id).executeTakeFirst(),
    /** The files of one record's field, oldest first (the order the record lists them in). */
    listOfField: (collection: string, recordId: string, field: string) =>
      db
        .selectFrom('files')
        .selectAll()
        .where('collection', '=', collection)
        .where('record_id', '=', recordId)
        .where('field', '=', field)
        .orderBy('created_ms')
        .orderBy('id')
        .execute(),
    listOfRecord: (collection: string, recordId: string) =>
      db
        .selectFrom('files')
        .selectAll()
        .where('collection', '=', collection)
        .where('record_id', '=', recordId)
        .execute(),
    listOfCollection: (collection: string, fields?: readonly string[]) => {
      let query = db.selectFrom('files').selectAll().where('collection', '=', collection);
      if (fields) query = query.where('field', 'in', fields.length > 0 ? [...fields] : ['']);
      return query.execute();
    },
    deleteById: (id: string) => db.deleteFrom('files').where('id', '=', id).execute(),
    setStatus: (id: string, status: FileStatus) =>
      db.updateTable('files').set({ status }).where('id', '=', id).execute(),
  };
}

export type FilesRepo = ReturnType<typeof createFilesRepo>;
