import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { BulwarkError, filter } from '../src/index.js';
import { bearerClient, createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

/**
 * `client.batch`: several record writes in one request and one transaction, through a real
 * server. What a user observes: every write lands, or none does and the error names the one
 * that was refused.
 */

let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
});
afterAll(() => server.app.close());

async function signedIn(label: string) {
  const { client } = bearerClient(server.url);
  const email = uniqueEmail(label);
  const id = (await client.auth.signUp({ email, password: PASSWORD })).user?.id as string;
  await client.auth.signIn({ email, password: PASSWORD });
  return { client, id, notes: client.collection('notes') };
}

describe('client.batch', () => {
  it('runs creates, updates and deletes in order and answers each result, typed', async () => {
    const { client, id, notes } = await signedIn('batch-ok');
    const first = await notes.create({ title: 'first', owner: id });
    const doomed = await notes.create({ title: 'doomed', owner: id });
    const results = await client.batch([
      notes.inBatch.create({ title: 'second', owner: id }),
      notes.inBatch.update(first.id, { title: 'first, renamed' }),
      notes.inBatch.delete(doomed.id),
    ]);
    expectTypeOf(results[0].title).toEqualTypeOf<string>();
    expectTypeOf(results[2]).toEqualTypeOf<null>();
    expect(results[0]).toMatchObject({ title: 'second', owner: id });
    expect(results[1]).toMatchObject({ id: first.id, title: 'first, renamed' });
    expect(results[2]).toBeNull();
    const titles = (await notes.list({ sort: 'title' })).items.map((note) => note.title);
    expect(titles).toEqual(['first, renamed', 'second']);
  });

  it('a refusal in the middle writes nothing and names the operation and its own problem', async () => {
    const alice = await signedIn('batch-alice');
    const bob = await signedIn('batch-bob');
    const hers = await alice.notes.create({ title: 'hers', owner: alice.id });
    const error = await bob.client
      .batch([
        bob.notes.inBatch.create({ title: 'would be written', owner: bob.id }),
        bob.notes.inBatch.update(hers.id, { title: 'taken over' }),
      ])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BulwarkError);
    const refused = error as BulwarkError;
    expect(refused).toMatchObject({ status: 400, code: 'BATCH_OPERATION_FAILED', failedIndex: 1 });
    expect(refused.failure).toBeInstanceOf(BulwarkError);
    expect(refused.failure).toMatchObject({ status: 404, code: 'REC_NOT_FOUND' });
    expect((await bob.notes.list({ filter: filter`title = ${'would be written'}` })).totalItems).toBe(0);
    expect((await alice.notes.view(hers.id)).title).toBe('hers');
  });

  it('more operations than the server allows are refused before anything is written', async () => {
    const { client, id, notes } = await signedIn('batch-large');
    const operations = Array.from({ length: 101 }, (_, n) => notes.inBatch.create({ title: `n${n}`, owner: id }));
    const error = await client.batch(operations).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, code: 'BATCH_TOO_LARGE' });
    expect((await notes.list()).totalItems).toBe(0);
  });
});
