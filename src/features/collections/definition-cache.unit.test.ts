import { describe, expect, it } from 'vitest';
import type { CollectionDefinition } from './collection-definition.js';
import { createDefinitionCache } from './definition-cache.js';

const definition = (list: string | null): CollectionDefinition =>
  ({ name: 'notes', fields: [], rules: { list, view: null, create: null, update: null, delete: null } }) as never;

/** A stored definition that the test changes, counting the reads the cache makes. */
function storage(stored: CollectionDefinition | null) {
  const state = { stored, reads: 0 };
  const cache = createDefinitionCache(async () => {
    state.reads += 1;
    return state.stored;
  });
  return { state, cache };
}

describe('the definition cache', () => {
  it('answers from memory while the version is the same, and reads afresh when it moves', async () => {
    const { state, cache } = storage(definition(''));
    expect(await cache.find('notes', 1)).toBe(state.stored);
    expect(await cache.find('notes', 1)).toBe(state.stored);
    expect(state.reads).toBe(1);
    state.stored = definition('owner = @request.auth.id');
    expect((await cache.find('notes', 2))?.rules.list).toBe('owner = @request.auth.id');
    expect(state.reads).toBe(2);
  });

  it('keeps nothing when the version row is missing, nor names that do not exist', async () => {
    const { state, cache } = storage(definition(''));
    await cache.find('notes', null);
    await cache.find('notes', null);
    expect(state.reads).toBe(2);
    state.stored = null;
    expect(await cache.find('ghost', 3)).toBeNull();
    expect(await cache.find('ghost', 3)).toBeNull();
    expect(state.reads).toBe(4);
  });

  it('a read begun under an older version never lands in a newer version', async () => {
    const older = definition('');
    const newer = definition('owner = @request.auth.id');
    let finishSlowRead: (value: CollectionDefinition) => void = () => undefined;
    let reads = 0;
    const cache = createDefinitionCache(() => {
      reads += 1;
      return reads === 1 ? new Promise((resolve) => (finishSlowRead = resolve)) : Promise.resolve(newer);
    });
    const slow = cache.find('notes', 1);
    expect(await cache.find('notes', 2)).toBe(newer);
    finishSlowRead(older);
    expect(await slow).toBe(older);
    expect(await cache.find('notes', 2)).toBe(newer);
    expect(reads).toBe(2);
  });
});
