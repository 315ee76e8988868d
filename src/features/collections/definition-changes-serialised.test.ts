import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  createCollection,
  newAdmin,
  uniqueName,
} from '../../../test/helpers/collections-client.js';
import { createStatementGate } from '../../../test/helpers/statement-gate.js';
import { createTestApp, type RestartableTestApp, testDialect } from '../../../test/helpers/test-app.js';

interface Definition {
  name: string;
  fields: Array<{ name: string; type: string; collection?: string }>;
  rules: Record<string, string | null>;
}

/**
 * A single-collection change (POST, PATCH, DELETE /api/admin/collections) and a schema apply
 * never interleave: each reads the definitions it decides on inside the write transaction that
 * holds the definitions-writer lock. Each test holds the admin change right after it has read
 * what it decides on, lets an apply run meanwhile, then lets the change go on; whichever runs
 * first, the outcome is one of the two serial orders, and the tables match the definitions.
 * On PostgreSQL the apply comes from a second instance; on SQLite from the same one (two
 * instances in one process cannot wait for each other: SQLite's busy wait blocks the thread).
 */
describe('definition changes and schema applies are serialised', () => {
  let app: RestartableTestApp;
  let applier: RestartableTestApp;
  let admin: Account;
  let gate: ReturnType<typeof createStatementGate> | undefined;

  beforeAll(async () => {
    app = await createTestApp({ logLevel: 'silent' });
    await app.http.ready();
    applier = testDialect() === 'postgres' ? await app.secondInstance() : app;
    await applier.http.ready();
    admin = await newAdmin(app);
  });
  afterEach(() => gate?.restore());
  afterAll(async () => {
    if (applier !== app) await applier.close();
    await app.close();
  });

  const schemaDocument = async () =>
    (await app.http.inject({ method: 'GET', url: '/api/admin/schema', headers: admin.headers })).json() as {
      version: number;
      collections: Definition[];
    };
  const apply = (document: unknown) =>
    applier.http.inject({
      method: 'PUT',
      url: '/api/admin/schema',
      headers: admin.headers,
      payload: document as object,
    });
  const definition = async (name: string): Promise<Definition | undefined> =>
    (await schemaDocument()).collections.find((c) => c.name === name);
  /** The table's columns besides id, created and updated, in order: what its definition must list. */
  const fieldColumns = async (name: string): Promise<string[]> => {
    const table = `c_${name}`;
    const rows =
      testDialect() === 'postgres'
        ? await sql<{ name: string }>`SELECT column_name AS name FROM information_schema.columns
            WHERE table_schema = current_schema() AND table_name = ${table} ORDER BY ordinal_position`.execute(
            app.database.db,
          )
        : await sql<{ name: string }>`SELECT name FROM pragma_table_info(${table}) ORDER BY cid`.execute(
            app.database.db,
          );
    return rows.rows.map((r) => r.name).filter((c) => !['id', 'created', 'updated'].includes(c));
  };

  /**
   * Runs `change` held before its first statement matching `heldBefore`, and the apply while it
   * is held. Nothing stops the apply unless the change already holds the definitions lock; then
   * the apply must wait for it, and the change goes on at once.
   */
  const interleave = async <A, B>(change: () => Promise<A>, heldBefore: RegExp, applying: () => Promise<B>) => {
    gate = createStatementGate();
    const held = gate.hold('change', heldBefore);
    const changed = gate.as('change', change);
    const at = await held.reached;
    const applied = gate.as('apply', applying);
    if (!at.holdsDefinitionsLock) await applied;
    held.release();
    return Promise.all([changed, applied]);
  };

  const LIST_DEFINITIONS = /^select "definition" from "collections" order by/i;

  it('a PATCH of rules while an apply adds a field: the field is never lost from the definition', async () => {
    const name = uniqueName('notes');
    await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }] });
    const document = await schemaDocument();
    const withBody = structuredClone(document);
    for (const c of withBody.collections) if (c.name === name) c.fields.push({ name: 'body', type: 'text' });

    const [patched, applied] = await interleave(
      () => adminApi(app).patch(admin.headers, name, { rules: { list: '' } }),
      LIST_DEFINITIONS,
      () => apply(withBody),
    );
    expect(patched.statusCode, patched.body).toBe(200);
    expect(applied.statusCode, applied.body).toBe(200);
    const final = await definition(name);
    // PATCH then apply: the file's rules; apply then PATCH: the PATCH's. Both keep `body`.
    expect(final?.fields.map((f) => f.name)).toEqual(['title', 'body']);
    expect(await fieldColumns(name)).toEqual(['title', 'body']);
  });

  // On SQLite one process has one connection: while the apply holds it, the PATCH cannot even read.
  it.runIf(testDialect() === 'postgres')(
    'a PATCH sent while an apply holds the lock waits, then decides on the applied definition',
    async () => {
      const name = uniqueName('later');
      await createCollection(app, admin, { name, fields: [{ name: 'title', type: 'text' }] });
      const withBody = await schemaDocument();
      for (const c of withBody.collections) if (c.name === name) c.fields.push({ name: 'body', type: 'text' });
      gate = createStatementGate();
      const held = gate.hold('apply', LIST_DEFINITIONS);
      const applied = gate.as('apply', () => apply(withBody));
      expect((await held.reached).holdsDefinitionsLock).toBe(true);
      // Its lock (or, without one, its write) waits behind the apply's lock, whatever the timing.
      const waiting = gate.issued('change', /^(lock table "?collections"?|update "collections")/i);
      const patched = gate.as('change', () => adminApi(app).patch(admin.headers, name, { rules: { list: '' } }));
      await waiting;
      held.release();
      expect((await applied).statusCode).toBe(200);
      expect((await patched).json()).toMatchObject({
        fields: [{ name: 'title' }, { name: 'body' }],
        rules: { list: '' },
      });
      expect(await definition(name)).toMatchObject({ fields: [{ name: 'title' }, { name: 'body' }] });
    },
  );

  it('a POST while an apply creates the same collection: 201 or 409, never a half-made collection', async () => {
    const name = uniqueName('twice');
    const document = await schemaDocument();
    document.collections.push({ name, fields: [{ name: 'from_file', type: 'text' }], rules: {} });

    const [created, applied] = await interleave(
      () => adminApi(app).create(admin.headers, { name, fields: [{ name: 'from_post', type: 'text' }] }),
      LIST_DEFINITIONS,
      () => apply(document),
    );
    expect(applied.statusCode, applied.body).toBe(200);
    // POST then apply: the apply turns it into the file's; apply then POST: 409 COLL_EXISTS.
    expect([201, 409], created.body).toContain(created.statusCode);
    expect((await definition(name))?.fields.map((f) => f.name)).toEqual(['from_file']);
    expect(await fieldColumns(name)).toEqual(['from_file']);
  });

  // Last: without serialisation it leaves a relation to nothing, which no later apply accepts.
  it('a DELETE while an apply adds a relation to it: no relation is left pointing at nothing', async () => {
    const target = uniqueName('target');
    const referrer = uniqueName('referrer');
    await createCollection(app, admin, { name: target, fields: [{ name: 'title', type: 'text' }] });
    const document = await schemaDocument();
    document.collections.push({
      name: referrer,
      fields: [{ name: 'ref', type: 'relation', collection: target }],
      rules: {},
    });

    const [deleted, applied] = await interleave(
      () => adminApi(app).remove(admin.headers, target),
      /^select count\(\*\)/i,
      () => apply(document),
    );
    expect(applied.statusCode, applied.body).toBe(200);
    // DELETE then apply: the apply makes the target again; apply then DELETE: 409, still referenced.
    expect([204, 409], deleted.body).toContain(deleted.statusCode);
    expect(await definition(referrer)).toBeDefined();
    expect(await definition(target)).toBeDefined();
    expect(await fieldColumns(target)).toEqual(['title']);
  });
});
