import type { LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  rawRow,
  rawRows,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { testDialect, useTestApp } from '../helpers/test-app.js';

/**
 * On PostgreSQL every statement that carries a rule or a filter runs under the rule statement
 * timeout, on view, create, update and delete as on lists. The test makes those statements wait
 * honestly: another connection holds an exclusive lock on the table the rule reads, and a
 * statement waiting for a lock counts against `statement_timeout` like one that computes. Bound,
 * the request is stopped (503 `REC_QUERY_TIMEOUT`) while the lock is still held; unbound, it
 * would wait for as long as the lock is held. SQLite cannot interrupt a statement (its bound is
 * structural, see records-read-bounds), so this is a PostgreSQL test.
 */

/** Longer than any bounded request needs; an unbound one is released by it and then succeeds. */
const LOCK_HELD_AT_MOST_MS = 15_000;

describe.runIf(testDialect() === 'postgres')('rule statements on PostgreSQL are bounded on every action', () => {
  let admin: Account;
  let alice: Account;
  let projects: string;
  let tasks: string;
  let project: { id: string };

  const app = useTestApp({ logLevel: 'silent', env: { BULWARK_DATABASE_RULE_QUERY_TIMEOUT_MS: '100' } });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    projects = uniqueName('projects');
    tasks = uniqueName('tasks');
    await createCollection(app, admin, {
      name: projects,
      fields: [{ name: 'owner', type: 'relation', collection: 'users' }],
    });
    // Every rule reads the project table through the relation.
    const rule = 'project.owner = @request.auth.id';
    await createCollection(app, admin, {
      name: tasks,
      fields: [
        { name: 'project', type: 'relation', collection: projects },
        { name: 'title', type: 'text' },
      ],
      rules: { list: rule, view: rule, create: rule, update: rule, delete: rule },
    });
    project = await createRecord(app, projects, admin.headers, { owner: alice.id });
  });

  /**
   * Sends the request while another connection holds an exclusive lock on the project table;
   * releases the lock when the request has answered, or after LOCK_HELD_AT_MOST_MS at the latest.
   */
  const whileProjectsLocked = async (send: () => Promise<LightMyRequestResponse>) =>
    app.database.db.connection().execute(async (locker) => {
      await sql`BEGIN`.execute(locker);
      await sql`LOCK TABLE ${sql.table(`c_${projects}`)} IN ACCESS EXCLUSIVE MODE`.execute(locker);
      let release: () => void = () => {};
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      const timer = setTimeout(release, LOCK_HELD_AT_MOST_MS);
      const answered = send().finally(release);
      await released;
      clearTimeout(timer);
      await sql`ROLLBACK`.execute(locker);
      return answered;
    });

  const expectStopped = (response: LightMyRequestResponse) => {
    expectProblem(response, 503, 'REC_QUERY_TIMEOUT');
    expect(response.headers['retry-after']).toBeDefined();
    expect(response.body).not.toMatch(/canceling statement|statement_timeout|lock/i);
    expect(response.body).not.toContain(projects);
  };

  it('view is stopped at the timeout while the rule waits', async () => {
    const task = await createRecord(app, tasks, alice.headers, { project: project.id, title: 'view me' });
    expectStopped(await whileProjectsLocked(() => recordsApi(app, tasks).view(alice.headers, task.id)));
    expect((await recordsApi(app, tasks).view(alice.headers, task.id)).statusCode).toBe(200);
  }, 60_000);

  it('update is stopped at the timeout, and nothing is written', async () => {
    const task = await createRecord(app, tasks, alice.headers, { project: project.id, title: 'before' });
    const response = await whileProjectsLocked(() =>
      recordsApi(app, tasks).update(alice.headers, task.id, { title: 'after' }),
    );
    expectStopped(response);
    expect((await rawRow(app, `c_${tasks}`, task.id))?.title).toBe('before');
  }, 60_000);

  it('delete is stopped at the timeout, and the record stays', async () => {
    const task = await createRecord(app, tasks, alice.headers, { project: project.id, title: 'keep me' });
    expectStopped(await whileProjectsLocked(() => recordsApi(app, tasks).remove(alice.headers, task.id)));
    expect(await rawRow(app, `c_${tasks}`, task.id)).toBeDefined();
  }, 60_000);

  it('the create check is stopped at the timeout, and nothing is stored', async () => {
    const before = (await rawRows(app, `c_${tasks}`))?.length;
    const response = await whileProjectsLocked(() =>
      recordsApi(app, tasks).create(alice.headers, { project: project.id, title: 'new' }),
    );
    expectStopped(response);
    expect((await rawRows(app, `c_${tasks}`))?.length).toBe(before);
  }, 60_000);

  it('lists were bounded already, and still are', async () => {
    expectStopped(await whileProjectsLocked(() => recordsApi(app, tasks).list(alice.headers)));
  }, 60_000);
});
