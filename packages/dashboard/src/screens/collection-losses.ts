import { client } from '../api.js';

/** A destructive step waiting for the operator's confirmation, and what it loses, as text. */
export interface Pending {
  title: string;
  consequence: string;
  action: string;
  run: () => Promise<void>;
}

/** How many records a collection holds: the loss a destructive change names, read just before asking. */
async function recordCount(name: string): Promise<number> {
  return (await client.collection(name).list({ perPage: 1 })).totalItems;
}

const records = (count: number) => (count === 1 ? '1 record' : `${count} records`);

/** Saving a collection without some of its saved fields: their values in every record go. */
export async function fieldRemoval(
  collection: string,
  removed: readonly string[],
  run: () => Promise<void>,
): Promise<Pending> {
  const count = await recordCount(collection);
  const list = removed.join(', ');
  return {
    title: `Remove ${removed.length === 1 ? 'the field' : 'the fields'} ${list} from ${collection}?`,
    consequence: `The values of ${list} in every record of ${collection} (${records(count)}) are lost; this cannot be undone.`,
    action: `Save and remove ${list}`,
    run,
  };
}

/** Deleting a collection: its records, fields and rules go. */
export async function collectionDeletion(collection: string, run: () => Promise<void>): Promise<Pending> {
  const count = await recordCount(collection);
  return {
    title: `Delete the collection ${collection}?`,
    consequence: `Its ${records(count)}, its fields and its rules are deleted; this cannot be undone.`,
    action: `Delete ${collection} and its ${records(count)}`,
    run,
  };
}
