import type { CommonFlags } from '../load-cli-config.js';
import type { Output } from '../output.js';
import { withCollections } from './open-collections.js';

/**
 * `bulwark schema export`: every collection definition as one JSON schema file on standard
 * output, in a stable order (collections by name, fields in table order, keys in a fixed
 * order), so exports of the same schema are byte for byte the same and diff cleanly in git.
 */
export async function runSchemaExport(flags: CommonFlags, out: Output): Promise<number> {
  const document = await withCollections(flags, (collections) => collections.schema.export());
  out.line(JSON.stringify(document, null, 2));
  return 0;
}
