import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../../../test/helpers/collections-client.js';
import { type SeenStatement, statementsDuring } from '../../../test/helpers/statement-spy.js';
import { useTestApp } from '../../../test/helpers/test-app.js';

/**
 * `skipTotal=1` on a records list (CONTRACT.md, as PocketBase has it): the page is answered
 * without the count statement, and `totalItems`/`totalPages` say -1. Without it the list is
 * counted, as before. Any other value is a 400 like every other malformed query value.
 */
describe('skipTotal on records lists', () => {
  let alice: Account;
  let notes: string;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    const admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    const bob = await newUser(app, 'bob');
    notes = uniqueName('notes');
    await createCollection(app, admin, {
      name: notes,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: 'owner = @request.auth.id', create: 'owner = @request.auth.id' },
    });
    for (const title of ['a', 'b', 'c']) await createRecord(app, notes, alice.headers, { owner: alice.id, title });
    await createRecord(app, notes, bob.headers, { owner: bob.id, title: 'bob' });
  });

  /** The statements of one list request that read the collection's table. */
  const tableStatements = (statements: SeenStatement[]) =>
    statements.map((statement) => statement.sql).filter((text) => text.includes(`c_${notes}`));

  it('skipTotal=1 answers the page without running the count statement: totals are -1', async () => {
    let response: Awaited<ReturnType<ReturnType<typeof recordsApi>['list']>> | undefined;
    const statements = await statementsDuring(async () => {
      response = await recordsApi(app, notes).list(alice.headers, { perPage: 2, skipTotal: 1 });
    });
    expect(response?.statusCode, response?.body).toBe(200);
    expect(response?.json()).toMatchObject({ page: 1, perPage: 2, totalItems: -1, totalPages: -1 });
    expect(response?.json().items).toHaveLength(2);
    const reads = tableStatements(statements);
    expect(reads).toHaveLength(1);
    expect(reads.some((text) => /count\(\*\)/i.test(text))).toBe(false);
  });

  it('without skipTotal, or with skipTotal=0, the list is counted', async () => {
    for (const query of [{ perPage: 2 }, { perPage: 2, skipTotal: 0 }]) {
      let response: Awaited<ReturnType<ReturnType<typeof recordsApi>['list']>> | undefined;
      const statements = await statementsDuring(async () => {
        response = await recordsApi(app, notes).list(alice.headers, query);
      });
      expect(response?.json()).toMatchObject({ page: 1, perPage: 2, totalItems: 3, totalPages: 2 });
      const reads = tableStatements(statements);
      expect(reads).toHaveLength(2);
      expect(reads.filter((text) => /count\(\*\)/i.test(text))).toHaveLength(1);
    }
  });

  it('refuses any other skipTotal value with a 400 naming the parameter', async () => {
    for (const value of ['true', 'false', 'yes', '2', '-1', '1.0', '01', ' 1', '']) {
      const response = await recordsApi(app, notes).list(alice.headers, { skipTotal: value });
      expectProblem(response, 400, 'HTTP_VALIDATION');
      expect(response.json().errors[0].field, value).toBe('skipTotal');
    }
  });
});
