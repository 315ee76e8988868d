import type { FieldDefinition } from './collection-definition.js';

/**
 * What other features keep about records outside their table (the files feature: rows in
 * `files` and bytes in a store) is removed through these, called after the removal commits: a
 * rolled-back delete never loses a file, and a committed one never leaves one behind.
 */
export interface RemovalListener {
  recordRemoved(collection: string, recordId: string): Promise<void>;
  fieldsDropped(collection: string, fields: readonly FieldDefinition[]): Promise<void>;
  collectionRemoved(collection: string): Promise<void>;
}

/** The listeners of one collections feature; features subscribe once, at start. */
export interface RemovalListeners extends RemovalListener {
  add(listener: RemovalListener): void;
}

export function createRemovalListeners(): RemovalListeners {
  const listeners: RemovalListener[] = [];
  return {
    add: (listener) => void listeners.push(listener),
    async recordRemoved(collection, recordId) {
      for (const listener of listeners) await listener.recordRemoved(collection, recordId);
    },
    async fieldsDropped(collection, fields) {
      for (const listener of listeners) await listener.fieldsDropped(collection, fields);
    },
    async collectionRemoved(collection) {
      for (const listener of listeners) await listener.collectionRemoved(collection);
    },
  };
}
