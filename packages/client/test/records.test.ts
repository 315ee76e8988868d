import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { filter, or, sort } from '../src/index.js';
import { HOSTILE } from './hostile-strings.js';
import { bearerClient, createNotes, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

let server: RunningServer;
let client: ReturnType<typeof bearerClient>['client'];
let userId: string;
/** Note id by title: one note per hostile string, plus plain ones. */
const ids = new Map<string, string>();
const TITLES = [...HOSTILE.filter((title) => title !== ''), 'plain', 'other'];

beforeAll(async () => {
  server = await startServer();
  await createNotes(server.app);
  client = bearerClient(server.url).client;
  const email = uniqueEmail('records');
  userId = (await client.auth.signUp({ email, password: PASSWORD })).user?.id as string;
  await client.auth.signIn({ email, password: PASSWORD });
  for (const title of TITLES) ids.set(title, (await client.collection('notes').create({ title, owner: userId })).id);
});
afterAll(() => server.app.close());

describe('records with filter, sort and page helpers', () => {
  it('a hostile value is one literal to the server: = finds exactly its own record', async () => {
    const notes = client.collection('notes');
    for (const title of TITLES) {
      const { items } = await notes.list({ filter: filter`title = ${title}` });
      expect(
        items.map((note) => note.title),
        JSON.stringify(title),
      ).toEqual([title]);
    }
  });

  it('the same values through ~ (contains) find only records that contain them', async () => {
    const notes = client.collection('notes');
    for (const title of ['" || owner != "', ') || (1 = 1', '\\"']) {
      const { items } = await notes.list({ filter: filter`title ~ ${title}` });
      expect(items.every((note) => note.title.toLowerCase().includes(title.toLowerCase()))).toBe(true);
      expect(items.map((note) => note.id)).toContain(ids.get(title));
      expect(items.length).toBeLessThan(TITLES.length);
    }
  });

  it('combines filters, sorts and pages', async () => {
    const notes = client.collection('notes');
    const either = or(filter`title = ${'plain'}`, filter`title = ${'other'}`);
    const page = await notes.list({ filter: either, sort: sort('-title'), perPage: 1, page: 2 });
    expect(page).toMatchObject({ page: 2, perPage: 1, totalItems: 2, totalPages: 2 });
    expect(page.items.map((note) => note.title)).toEqual(['other']);

    const skipped = await notes.list({ filter: either, skipTotal: true });
    expect(skipped).toMatchObject({ totalItems: -1, totalPages: -1 });
    expect(await notes.first({ filter: filter`title = ${'plain'}` })).toMatchObject({ id: ids.get('plain') });
    expect(await notes.first({ filter: filter`title = ${'none such'}` })).toBeNull();
  });

  it('all() walks every page', async () => {
    const seen: string[] = [];
    for await (const note of client.collection('notes').all({ perPage: 3, sort: sort('created') })) seen.push(note.id);
    expect(seen.sort()).toEqual([...ids.values()].sort());
  });
});
