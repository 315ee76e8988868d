import { writeFileSync } from 'node:fs';
import { renderRecordTypes, renderSchemaFileTypes } from '../features/collections/index.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, counted, type Output } from './output.js';
import { withCollections } from './schema/open-collections.js';
import { asCliError, readSchemaFile } from './schema/read-schema-file.js';

export interface TypesFlags extends CommonFlags {
  out?: string;
  /** A schema file to read the definitions from, instead of the installation's database. */
  schema?: string;
}

/**
 * `bulwark types [--out FILE]`: TypeScript types for every collection, from the definitions
 * in the database (a record and an input interface each, and `BulwarkCollections` mapping names
 * to record types for a typed client). The file is generated: it is replaced on every run, so
 * running it again after a schema change keeps it current. Without --out it goes to stdout.
 * With --schema FILE the definitions come from a schema file and no installation is needed.
 */
export async function runTypes(flags: TypesFlags, out: Output): Promise<number> {
  const { text, count } = flags.schema === undefined ? await fromDatabase(flags) : fromFile(flags, flags.schema);
  if (flags.out === undefined) {
    out.line(text.trimEnd());
    return 0;
  }
  try {
    writeFileSync(flags.out, text);
  } catch (error) {
    throw new CliError(
      `cannot write ${flags.out} (${(error as { code?: string }).code ?? 'unwritable'}); fix: check the folder exists and is writable`,
    );
  }
  out.line(`wrote types of ${counted(count, 'collection')} to ${flags.out}`);
  return 0;
}

async function fromDatabase(flags: TypesFlags): Promise<{ text: string; count: number }> {
  const definitions = await withCollections(flags, (collections) => collections.collections.list());
  return { text: renderRecordTypes(definitions), count: definitions.length };
}

function fromFile(flags: TypesFlags, file: string): { text: string; count: number } {
  const document = readSchemaFile(file);
  try {
    return renderSchemaFileTypes(document, loadCliConfig(flags).files.maxUploadBytes);
  } catch (error) {
    throw asCliError(error, file);
  }
}
