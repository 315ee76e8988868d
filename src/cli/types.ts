import { writeFileSync } from 'node:fs';
import { renderRecordTypes } from '../features/collections/index.js';
import type { CommonFlags } from './load-cli-config.js';
import { CliError, counted, type Output } from './output.js';
import { withCollections } from './schema/open-collections.js';

export interface TypesFlags extends CommonFlags {
  out?: string;
}

/**
 * `bulwark types [--out FILE]`: TypeScript types for every collection, from the definitions
 * in the database (a record and an input interface each, and `BulwarkCollections` mapping names
 * to record types for a typed client). The file is generated: it is replaced on every run, so
 * running it again after a schema change keeps it current. Without --out it goes to stdout.
 */
export async function runTypes(flags: TypesFlags, out: Output): Promise<number> {
  const definitions = await withCollections(flags, (collections) => collections.collections.list());
  const text = renderRecordTypes(definitions);
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
  out.line(`wrote types of ${counted(definitions.length, 'collection')} to ${flags.out}`);
  return 0;
}
