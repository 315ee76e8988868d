import type { SchemaVersion } from '../../db/index.js';
import type { CollectionDefinition } from './collection-definition.js';

/**
 * The definitions this instance parsed while the schema version (db/schema-version.ts) read
 * one number. Triggers bump that counter in the transaction of every change to a definition, on
 * any instance, and every request reads it (with its credential, or alone for a guest), so a
 * request that starts after a change commits sees another number, drops what was kept and reads
 * afresh: a change is seen at the next request everywhere, never later.
 *
 * A definition read while serving version V was read after V was observed, so it is V's or
 * newer, never older. Only existing collections are kept: a name that does not exist is read
 * every time, so requests for made-up names cannot grow the map.
 */
export function createDefinitionCache(source: {
  /** The stored definition, read afresh. */
  read: (name: string) => Promise<CollectionDefinition | null>;
  /** The counter, read alone: for requests whose credential lookup did not bring it. */
  readVersion: () => Promise<SchemaVersion>;
}) {
  let heldVersion: SchemaVersion = null;
  let held = new Map<string, CollectionDefinition>();

  return {
    /**
     * The definition as of `version` or newer. `version` is what the request read with its
     * credential; undefined when it has none (it is read here); null when the counter row is
     * missing (nothing is kept then).
     */
    async find(name: string, version?: SchemaVersion): Promise<CollectionDefinition | null> {
      const current = version === undefined ? await source.readVersion() : version;
      if (current === null) return source.read(name);
      if (current !== heldVersion) {
        heldVersion = current;
        held = new Map();
      }
      const kept = held.get(name);
      if (kept) return kept;
      // The map of this version: if another version replaced it meanwhile, this lands in the old one.
      const forVersion = held;
      const definition = await source.read(name);
      if (definition) forVersion.set(name, definition);
      return definition;
    },
  };
}

export type DefinitionCache = ReturnType<typeof createDefinitionCache>;
