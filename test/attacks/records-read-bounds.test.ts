import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_PATTERN_TERMS, MAX_TERMS } from '../../src/features/rules/index.js';
import {
  type Account,
  auditEntries,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { createTestApp, type TestApp, testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * Reads the rules refuse are evidence too (ASVS V16.3.2): probing someone else's record ids or
 * a locked list is audited, thinned so the prober cannot flood the log. And a filter cannot
 * hold the database: on PostgreSQL rule-shaped queries run under their own statement timeout
 * (503 beyond it); on SQLite the bound is structural (linear filters), so the same filter
 * answers.
 */
describe('denied reads are audited, thinned', () => {
  let admin: Account;
  let alice: Account;
  let mallory: Account;
  let notes: string;

  const app = useTestApp();
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    mallory = await newUser(app, 'mallory');
    notes = uniqueName('notes');
    await createCollection(app, admin, {
      name: notes,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { view: 'owner = @request.auth.id', create: 'owner = @request.auth.id' },
    });
  });

  it('audits a view of another user’s record (404 to the caller) but not a view of a missing id', async () => {
    const record = await createRecord(app, notes, alice.headers, { owner: alice.id, title: 'private' });
    expectProblem(await recordsApi(app, notes).view(mallory.headers, record.id), 404, 'REC_NOT_FOUND');
    expectProblem(await recordsApi(app, notes).view(mallory.headers, 'no-such-id'), 404, 'REC_NOT_FOUND');
    const denied = (await auditEntries(app, 'records.read.denied')).filter((e) => e.actor === mallory.id);
    expect(denied).toHaveLength(1);
    expect(denied[0]?.details).toMatchObject({ collection: notes, id: record.id, action: 'view' });
  });

  it('audits a locked list, and thins a burst of probes to 10 a minute, counting the rest', async () => {
    const probe = await newUser(app, 'probe');
    for (let i = 0; i < 25; i++) {
      expectProblem(await recordsApi(app, notes).list(probe.headers), 403, 'REC_FORBIDDEN');
    }
    const mine = (await auditEntries(app, 'records.read.denied')).filter((e) => e.actor === probe.id);
    expect(mine).toHaveLength(10);
    expect(mine.every((e) => e.details.action === 'list')).toBe(true);
    // The owner still reads their own record: thinning the log never changes an answer.
    const record = await createRecord(app, notes, probe.headers, { owner: probe.id, title: 'mine' });
    expect((await recordsApi(app, notes).view(probe.headers, record.id)).statusCode).toBe(200);
  });
});

describe('a hostile filter cannot hold the database', () => {
  let app: TestApp;
  let admin: Account;
  let reader: Account;
  let big: string;
  const ROWS = 200_000;

  beforeAll(async () => {
    // The smallest allowed bound, so the outcome on PostgreSQL does not depend on machine speed.
    app = await createTestApp({ env: { BULWARK_DATABASE_RULE_QUERY_TIMEOUT_MS: '10' } });
    admin = await newAdmin(app);
    reader = await newUser(app, 'reader');
    big = uniqueName('big');
    await createCollection(app, admin, { name: big, fields: [{ name: 'title', type: 'text' }], rules: { list: '' } });
    const table = sql.table(`c_${big}`);
    const stamp = '2025-01-01T00:00:00.000Z';
    const title = 'x'.repeat(200);
    if (testDialect() === 'postgres') {
      await sql`insert into ${table} (id, created, updated, title)
        select md5(i::text), ${stamp}, ${stamp}, ${title} from generate_series(1, ${ROWS}) as s(i)`.execute(
        app.database.db,
      );
    } else {
      await sql`with recursive n(i) as (select 1 union all select i + 1 from n where i < ${ROWS})
        insert into ${table} (id, created, updated, title) select hex(randomblob(16)), ${stamp}, ${stamp}, ${title} from n`.execute(
        app.database.db,
      );
    }
  }, 120_000);
  afterAll(() => app.close());

  it('the costliest filter the limits allow, over 200,000 rows, is cut off on PostgreSQL, bounded on SQLite', async () => {
    const search = (i: number) => `title ~ "${String(i).padStart(3, '0')}${'y'.repeat(40)}"`;
    // 32 `~` terms (the worst case before MAX_PATTERN_TERMS) are refused before any work.
    const refused = await recordsApi(app, big).list(reader.headers, {
      filter: Array.from({ length: MAX_TERMS }, (_, i) => search(i)).join(' || '),
    });
    expectProblem(refused, 400, 'RULE_TOO_MANY_TERMS');
    const filter = Array.from({ length: MAX_TERMS }, (_, i) =>
      i < MAX_PATTERN_TERMS ? search(i) : `title = "${i}"`,
    ).join(' || ');
    const response = await recordsApi(app, big).list(reader.headers, { filter });
    if (testDialect() === 'postgres') {
      expectProblem(response, 503, 'REC_QUERY_TIMEOUT');
      expect(response.headers['retry-after']).toBeDefined();
      expect(response.body).not.toMatch(/canceling statement|statement_timeout|postgres|c_big/i);
    } else {
      expect(response.statusCode, response.body).toBe(200);
      expect(response.json().totalItems).toBe(0);
    }
    // The server is still answering afterwards, the database included.
    const small = uniqueName('small');
    await createCollection(app, admin, { name: small, fields: [{ name: 'title', type: 'text' }], rules: { list: '' } });
    expect((await recordsApi(app, small).list(reader.headers)).statusCode).toBe(200);
  }, 60_000);
});
