import { sql } from 'kysely';
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
import { useTestApp } from '../../../test/helpers/test-app.js';

/**
 * Definitions and rules are read on every request: a change written by another instance (here,
 * straight into the definitions table) applies to the very next request, with no stale copy.
 */
describe('collection definitions are current on every request', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
  });

  /** Rewrites the list rule in the stored definition, as another instance's admin change would. */
  const setListRule = async (name: string, rule: string | null) => {
    const row = await sql<{ definition: string }>`SELECT definition FROM collections WHERE name = ${name}`.execute(
      app.database.db,
    );
    const definition = JSON.parse(row.rows[0]?.definition ?? '{}');
    definition.rules.list = rule;
    await sql`UPDATE collections SET definition = ${JSON.stringify(definition)} WHERE name = ${name}`.execute(
      app.database.db,
    );
  };

  it('a list rule changed behind the server is applied to the next request', async () => {
    const name = uniqueName('notes');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: 'owner = @request.auth.id' },
    });
    await createRecord(app, name, admin.headers, { owner: alice.id, title: "alice's" });
    const api = recordsApi(app, name);
    const totalFor = async (account: Account) => (await api.list(account.headers)).json().totalItems;

    expect(await totalFor(bob)).toBe(0);
    expect(await totalFor(alice)).toBe(1);

    await setListRule(name, '');
    expect(await totalFor(bob)).toBe(1);

    await setListRule(name, 'owner = @request.auth.id');
    expect(await totalFor(bob)).toBe(0);

    await setListRule(name, null);
    expectProblem(await api.list(bob.headers), 403, 'REC_FORBIDDEN');
    expectProblem(await api.list(alice.headers), 403, 'REC_FORBIDDEN');
  });
});
