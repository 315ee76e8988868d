import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { startBenchApp } from './start-bench-app.js';

/**
 * Rule-checked record listing: GET /api/collections/notes/records?perPage=20 as one user under
 * the rule `owner = @request.auth.id`, 100,000 notes over 100 users, against a hand-written
 * bare Fastify + better-sqlite3 endpoint on the same database file running the same two
 * queries (page and count). The baseline skips what Bulwark does per request besides the
 * queries: access-token lookup, collection definition, rule compilation, security pipeline.
 * Then both again with an index on `owner` (collections cannot declare one: only `unique`).
 * Prints a table; asserts nothing. About 25 s.
 */
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const INDEX_DURATION_SECONDS = Number(process.env.BENCH_INDEX_SECONDS ?? 3);
const CONNECTIONS = 10;
const RECORDS = 100_000;
const USERS = 100;
const PER_PAGE = 20;
const PASSWORD = 'correct horse battery staple 42';

interface Result {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
}

async function measure(name: string, url: string, headers: Record<string, string>, seconds: number) {
  await autocannon({ url, headers, connections: CONNECTIONS, amount: CONNECTIONS * 5 }); // warm-up
  const result = await autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
  return { name, requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

const bench = await startBenchApp();
const { app, url, dataDir } = bench;
const bare = Fastify();
let sqlite: Database.Database | undefined;

try {
  // The reader, an administrator, and the collection, through the public API.
  const post = async (path: string, payload: object, headers: Record<string, string> = {}) => {
    const response = await app.http.inject({ method: 'POST', url: path, payload, headers });
    if (response.statusCode >= 300) throw new Error(`${path}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  const reader = (await post('/api/auth/register', { email: 'reader@example.com', password: PASSWORD })).user.id;
  const token = (await post('/api/auth/token', { email: 'reader@example.com', password: PASSWORD })).accessToken;
  await app.auth.accounts.createAdmin('admin@example.com', PASSWORD);
  const adminToken = (await post('/api/auth/token', { email: 'admin@example.com', password: PASSWORD })).accessToken;
  await post(
    '/api/admin/collections',
    {
      name: 'notes',
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'title', type: 'text' },
      ],
      rules: { list: 'owner = @request.auth.id' },
    },
    { authorization: `Bearer ${adminToken}` },
  );

  // 99 more owners and 100,000 notes, written directly in one transaction.
  const seeded = performance.now();
  const owners = [reader];
  const db = app.database.db;
  await db.transaction().execute(async (trx) => {
    for (let i = 1; i < USERS; i++) {
      const id = randomUUID();
      owners.push(id);
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
          created_ms: Date.now(),
          updated_ms: Date.now(),
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
  const seedSeconds = (performance.now() - seeded) / 1000;

  // The baseline: the same queries, prepared once, on the same file; no authentication.
  sqlite = new Database(join(dataDir, 'bulwark.db'), { readonly: true });
  const db3 = sqlite;
  let page = db3.prepare('SELECT * FROM c_notes WHERE owner = ? ORDER BY created DESC, id LIMIT ?');
  let count = db3.prepare('SELECT COUNT(*) AS n FROM c_notes WHERE owner = ?');
  const prepare = () => {
    page = db3.prepare('SELECT * FROM c_notes WHERE owner = ? ORDER BY created DESC, id LIMIT ?');
    count = db3.prepare('SELECT COUNT(*) AS n FROM c_notes WHERE owner = ?');
  };
  bare.get('/notes', async () => {
    const totalItems = (count.get(reader) as { n: number }).n;
    const items = page.all(reader, PER_PAGE);
    return { page: 1, perPage: PER_PAGE, totalItems, totalPages: Math.ceil(totalItems / PER_PAGE), items };
  });
  const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });

  const bulwarkPath = `${url}/api/collections/notes/records?perPage=${PER_PAGE}`;
  const auth = { authorization: `Bearer ${token}` };

  // Both must answer the same page before their speed means anything.
  type Page = { totalItems: number; items: Array<{ id: string }> };
  const [ours, theirs] = (await Promise.all([
    fetch(bulwarkPath, { headers: auth }).then((r) => r.json()),
    fetch(`${bareUrl}/notes`).then((r) => r.json()),
  ])) as [Page, Page];
  const ids = (body: Page) => body.items.map((item) => item.id).join();
  const same = ours.totalItems === theirs.totalItems && ids(ours) === ids(theirs);

  const results: Result[] = [];
  results.push(await measure('bare Fastify + SQL', `${bareUrl}/notes`, {}, DURATION_SECONDS));
  results.push(await measure('Bulwark records', bulwarkPath, auth, DURATION_SECONDS));
  await sql`CREATE INDEX bench_notes_owner ON c_notes (owner, created)`.execute(db);
  prepare();
  results.push(await measure('bare, owner index', `${bareUrl}/notes`, {}, INDEX_DURATION_SECONDS));
  results.push(await measure('Bulwark, owner index', bulwarkPath, auth, INDEX_DURATION_SECONDS));

  const ratio = (i: number, base: number) =>
    ((results[i] as Result).requestsPerSecond / (results[base] as Result).requestsPerSecond).toFixed(2);
  const rows = results.map((r, i) => [
    r.name.padEnd(22),
    r.requestsPerSecond.toFixed(0).padStart(9),
    r.p99Ms.toFixed(1).padStart(8),
    String(r.non2xx).padStart(7),
    ratio(i, i < 2 ? 0 : 2).padStart(9),
  ]);
  process.stdout.write(
    [
      `rule-checked list of ${PER_PAGE} (owner rule, ${RECORDS} records over ${USERS} users, ${RECORDS / USERS} visible), ` +
        `${CONNECTIONS} connections, ${DURATION_SECONDS}s (index rows ${INDEX_DURATION_SECONDS}s), autocannon in-process`,
      `seeded in ${seedSeconds.toFixed(1)}s; same page and total from both: ${same ? 'yes' : 'NO'}`,
      'baseline: same SELECT … LIMIT 20 and COUNT(*) on the same file, statements prepared once,',
      '  no token lookup, no definition load, no rule compilation, no security pipeline (target ≥ 0.80)',
      `${'server'.padEnd(22)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'non2xx'.padStart(7)}${'vs bare'.padStart(9)}`,
      ...rows.map((cells) => cells.join('')),
      '',
    ].join('\n'),
  );
} finally {
  await bare.close();
  sqlite?.close();
  await bench.stop();
}
