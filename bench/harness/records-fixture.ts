import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { type BenchApp, startBenchApp } from '../start-bench-app.js';
import { adminToken, BENCH_PASSWORD as PASSWORD, postJson as post } from './bench-admin.js';

export const RECORDS = 100_000;
export const USERS = 100;
export const PER_PAGE = 20;
const PAGE_SQL = 'SELECT * FROM c_notes WHERE owner = ? ORDER BY created DESC, id LIMIT ?';
const COUNT_SQL = 'SELECT COUNT(*) AS n FROM c_notes WHERE owner = ?';

/**
 * The records benchmark's world: a Bulwark (default log level) with a `notes` collection under
 * the list rule `owner = @request.auth.id`, 100,000 notes over 100 users, a reader's bearer
 * token, and a bare Fastify + better-sqlite3 server on the same file with no authentication:
 * `/notes` runs the same page and count statements, prepared once; `/notes-page` only the page.
 * Both use the index Bulwark creates for every relation field, on (owner, created).
 */
export interface RecordsFixture {
  bench: BenchApp;
  /** Bulwark's list URL for the reader's first page, and the header that authenticates it. */
  listUrl: string;
  auth: Record<string, string>;
  bareUrl: string;
  seedSeconds: number;
  /** EXPLAIN QUERY PLAN of the page and count statements. */
  plans: { page: string; count: string };
  close(): Promise<void>;
}

/** 99 more owners and 100,000 notes, written directly in one transaction; the reader owns every 100th. */
async function seedNotes(app: BenchApp['app'], reader: string): Promise<void> {
  const owners = [reader];
  const db = app.database.db;
  await db.transaction().execute(async (trx) => {
    for (let i = 1; i < USERS; i++) {
      const id = randomUUID();
      owners.push(id);
      const now = Date.now();
      await trx
        .insertInto('users')
        .values({
          id,
          email: `owner${i}@example.com`,
          name: null,
          password_hash: null,
          role: 'user',
          verified: 1,
          disabled: 0,
          created_ms: now,
          updated_ms: now,
        })
        .execute();
    }
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let batch = 0; batch < RECORDS; batch += 1000) {
      const rows = Array.from({ length: 1000 }, (_, j) => {
        const n = batch + j;
        const stamp = new Date(start + n * 1000).toISOString();
        return { id: randomUUID(), created: stamp, updated: stamp, owner: owners[n % USERS], title: `note ${n}` };
      });
      await trx
        .insertInto('c_notes' as never)
        .values(rows as never)
        .execute();
    }
  });
  // Seeding wrote the whole table to the write-ahead log; fold it into the database file, as a
  // server running for a while would have, so neither side pays for a cold, oversized log.
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
}

export async function startRecordsFixture(): Promise<RecordsFixture> {
  const bench = await startBenchApp();
  const { app } = bench;
  const bare = Fastify();
  let sqlite: Database.Database | undefined;
  try {
    const reader = (await post(app, '/api/auth/register', { email: 'reader@example.com', password: PASSWORD })).user.id;
    const token = (await post(app, '/api/auth/token', { email: 'reader@example.com', password: PASSWORD })).accessToken;
    const notes = {
      name: 'notes',
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: 'owner = @request.auth.id' },
    };
    await post(app, '/api/admin/collections', notes, { authorization: `Bearer ${await adminToken(app)}` });
    const seeded = performance.now();
    await seedNotes(app, reader);
    const seedSeconds = (performance.now() - seeded) / 1000;

    const db3 = new Database(join(bench.dataDir, 'bulwark.db'), { readonly: true });
    sqlite = db3;
    const page = db3.prepare(PAGE_SQL);
    const count = db3.prepare(COUNT_SQL);
    bare.get('/notes', async () => {
      const totalItems = (count.get(reader) as { n: number }).n;
      const items = page.all(reader, PER_PAGE);
      return { page: 1, perPage: PER_PAGE, totalItems, totalPages: Math.ceil(totalItems / PER_PAGE), items };
    });
    bare.get('/notes-page', async () => {
      const items = page.all(reader, PER_PAGE);
      return { page: 1, perPage: PER_PAGE, totalItems: -1, totalPages: -1, items };
    });
    const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
    const plan = (text: string, ...params: unknown[]) =>
      (db3.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>)
        .map((row) => row.detail)
        .join('; ');
    return {
      bench,
      listUrl: `${bench.url}/api/collections/notes/records?perPage=${PER_PAGE}`,
      auth: { authorization: `Bearer ${token}` },
      bareUrl,
      seedSeconds,
      plans: { page: plan(PAGE_SQL, reader, PER_PAGE), count: plan(COUNT_SQL, reader) },
      async close() {
        await bare.close();
        db3.close();
        await bench.stop();
      },
    };
  } catch (error) {
    await bare.close();
    sqlite?.close();
    await bench.stop();
    throw error;
  }
}
