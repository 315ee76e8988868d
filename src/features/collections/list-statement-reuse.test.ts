import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../../../test/helpers/collections-client.js';
import { type SeenStatement, statementsDuring } from '../../../test/helpers/statement-spy.js';
import { useTestApp } from '../../../test/helpers/test-app.js';

/**
 * Records lists keep their compiled statements per shape and bind each request's values anew
 * (list-statements.ts). Through the whole server: one kept statement serves many callers, each
 * bound to their own values, and a caller for whom the rule decides differently (a guest, a
 * verified user) never runs the statement kept for another.
 */
describe('kept list statements and the callers they serve', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;
  let carol: Account;

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    [alice, bob, carol] = [await newUser(app, 'alice'), await newUser(app, 'bob'), await newUser(app, 'carol')];
    // Verified as if carol had followed her e-mail link: every request reads the account afresh.
    await sql`UPDATE users SET verified = 1 WHERE id = ${carol.id}`.execute(app.database.db);
  });

  /** A collection with this list rule, two records of each user and one with no owner. */
  const notesWith = async (listRule: string) => {
    const name = uniqueName('notes');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: listRule, create: 'owner = @request.auth.id' },
    });
    for (const user of [alice, bob, carol]) {
      for (const n of [1, 2]) await createRecord(app, name, user.headers, { owner: user.id, title: `${user.id}-${n}` });
    }
    await createRecord(app, name, admin.headers, { title: 'nobody' });
    return name;
  };

  /** One list request: the titles it answered and the page statement it ran. */
  const listAs = async (name: string, account: Account | undefined) => {
    let titles: string[] = [];
    const seen = await statementsDuring(async () => {
      const response = await recordsApi(app, name).list(account?.headers, { sort: 'title' });
      expect(response.statusCode, response.body).toBe(200);
      titles = response.json().items.map((item: { title: string }) => item.title);
    });
    const page = seen.find((s) => s.sql.includes(`c_${name}`) && /\blimit\b/i.test(s.sql)) as SeenStatement;
    return { titles, page };
  };

  const titlesOf = (account: Account) => [`${account.id}-1`, `${account.id}-2`].sort();

  it('one kept statement serves two users, each bound to their own id and seeing only their records', async () => {
    const name = await notesWith('@request.auth.id != "" && owner = @request.auth.id');
    const first = await listAs(name, alice);
    const second = await listAs(name, bob);
    expect(first.titles).toEqual(titlesOf(alice));
    expect(second.titles).toEqual(titlesOf(bob));
    expect(second.page.compiledAs).toBe(first.page.compiledAs);
    expect(first.page.parameters).toContain(alice.id);
    expect(first.page.parameters).not.toContain(bob.id);
    expect(second.page.parameters).toContain(bob.id);
    expect(second.page.parameters).not.toContain(alice.id);
  });

  it('a guest never runs the statement kept for a signed-in user (the rule is decided false for it)', async () => {
    const name = await notesWith('@request.auth.id != "" && owner = @request.auth.id');
    const user = await listAs(name, alice);
    const guest = await listAs(name, undefined);
    expect(user.titles).toEqual(titlesOf(alice));
    // `owner = ?` bound to a guest's empty id would show the record with no owner.
    expect(guest.titles).toEqual([]);
    expect(guest.page.compiledAs).not.toBe(user.page.compiledAs);
    // And the other way round: a user after a guest gets the user's statement.
    expect((await listAs(name, bob)).titles).toEqual(titlesOf(bob));
  });

  it('a verified user never runs the statement kept for an unverified one, nor the reverse', async () => {
    const name = await notesWith('@request.auth.verified = true || owner = @request.auth.id');
    const unverified = await listAs(name, alice);
    const verified = await listAs(name, carol);
    expect(unverified.titles).toEqual(titlesOf(alice));
    expect(verified.titles).toEqual([...titlesOf(alice), ...titlesOf(bob), ...titlesOf(carol), 'nobody'].sort());
    expect(verified.page.compiledAs).not.toBe(unverified.page.compiledAs);
    const again = await listAs(name, bob);
    expect(again.titles).toEqual(titlesOf(bob));
    expect(again.page.compiledAs).toBe(unverified.page.compiledAs);
  });
});
