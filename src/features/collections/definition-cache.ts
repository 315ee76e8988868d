import type { SchemaVersion } from '../../db/index.js';
import type { CollectionDefinition } from './collection-definition.js';

/**
 * The definitions this instance parsed while the schema version (db/schema-version.ts) read
 * one number. Triggers bump that counter in the transaction of every change to a definition, on
 * any instance, and every request reads it (with its credential, or alone for a guest) and
 * passes it here, so a request that starts after a change commits brings another number, drops
 * what was kept and reads afresh: a change is seen at the next request everywhere, never later.
 *
 * A definition read while serving version V was read after V was observed, so it is V's or
 * newer, never older. Only existing collections are kept: a name that does not exist is read
 * every time, so requests for made-up names cannot grow the map.
 */
export function createDefinitionCache(
  /** The stored definition, read afresh. */
  read: (name: string) => Promise<CollectionDefinition | null>,
) {
  let heldVersion: SchemaVersion = null;
  let held = new Map<string, CollectionDefinition>();

  return {
    /**
     * The definition as of `version` (read by this request) or newer; null `version`: the
     * counter row is missing, and nothing is kept.
     */
    async find(name: string, version: SchemaVersion): Promise<CollectionDefinition | null> {
      if (version === null) return read(name);
      if (version !== heldVersion) {
        heldVersion = version;
        held = new Map();
      }
      const kept = held.get(name);
      if (kept) return kept;
      // The map of this version: if another version replaced it meanwhile, this lands in the old one.
      const forVersion = held;
      const definition = await read(name);
      if (definition) forVersion.set(name, definition);
      return definition;
    },
  };
}
