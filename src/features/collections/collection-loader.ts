import { appError } from '../../errors/index.js';
import type { CollectionDefinition } from './collection-definition.js';
import type { CollectionsService } from './collections-service.js';
import type { LoadedCollection } from './record-write-plans.js';
import type { RecordsContext } from './records-service.js';

/**
 * A collection's definition for one request, with the definitions of the collections its
 * relation fields point at, all read at one schema version (a guest's is read here, once);
 * 404 when there is no such collection.
 */
export function createCollectionLoader(collections: CollectionsService) {
  return async function load(name: string, ctx: RecordsContext): Promise<LoadedCollection> {
    const schemaVersion = ctx.schemaVersion === undefined ? await collections.readSchemaVersion() : ctx.schemaVersion;
    const definition = await collections.find(name, schemaVersion);
    if (!definition) throw appError('REC_NOT_FOUND', { detail: 'No such collection.' });
    const related = new Map<string, CollectionDefinition>();
    for (const field of definition.fields) {
      if (field.type === 'relation' && field.collection && field.collection !== 'users') {
        const other = field.collection === name ? definition : await collections.find(field.collection, schemaVersion);
        if (other) related.set(other.name, other);
      }
    }
    return { definition, relatedDefinition: (n: string) => related.get(n) };
  };
}
