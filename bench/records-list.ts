import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Fastify from 'fastify';
import { sql } from 'kysely';
import { enrolTotp, freshTotpCode } from '../test/helpers/mfa-client.js';
import { startBenchApp } from './start-bench-app.js';

/**
 * Rule-checked record listing: GET /api/collections/notes/records?perPage=20 as one user under
 * the rule `owner = @request.auth.id`, 100,000 notes over 100 users, against a hand-written
 * bare Fastify + better-sqlite3 endpoint on the same database file running the same two
 * queries (page and count). The baseline skips what Bulwark does per request besides the
 * queries: access-token lookup, collection definition, rule compilation, security pipeline.
 * Both use the index Bulwark creates for every relation field, on (owner, created); the query
 * plans are printed. Both are warmed up for the same time, then measured twice, in both orders
 * (bare first, then Bulwark first), so neither gains from going second. The load generator runs
 * in the same process and costs both the same per request; CPU µs per request (server and load
 * generator together) is printed beside req/s as it moves less than req/s on a busy machine.
 * Prints a table; asserts nothing. About 30 s.
 */
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 2);
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
  cpuMicrosPerRequest: number;
}

async function load(url: string, headers: Record<string, string>, seconds: number) {
  return autocannon({ url, headers, connections: CONNECTIONS, duration: seconds });
}

async function measure(name: string, url: string, headers: Record<string, string>): Promise<Result> {
  const cpuBefore = process.cpuUsage();
  const result = await load(url, headers, DURATION_SECONDS);
  const cpu = process.cpuUsage(cpuBefore);
  return {
    name,
    requestsPerSecond: result.requests.average,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(result.requests.total, 1),
  };
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
  // Administrators must enrol a second factor before any admin route answers: enrol TOTP as a
  // real one would, then sign in with a code.
  await app.auth.accounts.createAdmin('admin@example.com', PASSWORD);
  const enrolOnly = (await post('/api/auth/token', { email: 'admin@example.com', password: PASSWORD })).accessToken;
  const send = async (method: string, path: string, headers: Record<string, string>, payload?: unknown) => {
    const response = await app.http.inject({
      method: method as 'POST',
      url: path,
      headers,
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
    return { status: response.statusCode, body: response.json(), text: response.body };
  };
  const { secret, confirmCode } = await enrolTotp(send, { authorization: `Bearer ${enrolOnly}` });
  const code = freshTotpCode(secret, new Set([confirmCode]));
  const adminToken = (await post('/api/auth/token', { email: 'admin@example.com', password: PASSWORD, code }))
    .accessToken;
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
  // Seeding wrote the whole table to the write-ahead log; fold it into the database file, as a
  // server running for a while would have, so neither side pays for a cold, oversized log.
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);

  // The baseline: the same queries, prepared once, on the same file; no authentication.
  sqlite = new Database(join(dataDir, 'bulwark.db'), { readonly: true });
  const db3 = sqlite;
  const PAGE_SQL = 'SELECT * FROM c_notes WHERE owner = ? ORDER BY created DESC, id LIMIT ?';
  const COUNT_SQL = 'SELECT COUNT(*) AS n FROM c_notes WHERE owner = ?';
  const page = db3.prepare(PAGE_SQL);
  const count = db3.prepare(COUNT_SQL);
  const plan = (text: string, ...params: unknown[]) =>
    (db3.prepare(`EXPLAIN QUERY PLAN ${text}`).all(...params) as Array<{ detail: string }>)
      .map((row) => row.detail)
      .join('; ');
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

  // The same warm-up for both, long enough for the JIT to settle on either.
  await load(`${bareUrl}/notes`, {}, WARMUP_SECONDS);
  await load(bulwarkPath, auth, WARMUP_SECONDS);
  const bareRun = () => measure('bare Fastify + SQL', `${bareUrl}/notes`, {});
  const bulwarkRun = () => measure('Bulwark records', bulwarkPath, auth);
  const firstBare = await bareRun();
  const secondBulwark = await bulwarkRun();
  const firstBulwark = await bulwarkRun();
  const secondBare = await bareRun();
  const rounds: Array<[Result, Result]> = [
    [firstBare, secondBulwark],
    [secondBare, firstBulwark],
  ];

  const row = (r: Result, base: Result) =>
    [
      r.name.padEnd(22),
      r.requestsPerSecond.toFixed(0).padStart(9),
      r.p99Ms.toFixed(1).padStart(8),
      String(r.non2xx).padStart(7),
      r.cpuMicrosPerRequest.toFixed(0).padStart(12),
      (r.requestsPerSecond / base.requestsPerSecond).toFixed(2).padStart(9),
    ].join('');
  const sum = (pick: (pair: [Result, Result]) => Result) =>
    rounds.reduce((total, pair) => total + pick(pair).requestsPerSecond, 0);
  process.stdout.write(
    [
      `rule-checked list of ${PER_PAGE} (owner rule, ${RECORDS} records over ${USERS} users, ${RECORDS / USERS} visible), ` +
        `${CONNECTIONS} connections, ${WARMUP_SECONDS}s warm-up each, ${DURATION_SECONDS}s per row, autocannon in-process`,
      `seeded in ${seedSeconds.toFixed(1)}s; same page and total from both: ${same ? 'yes' : 'NO'}`,
      'baseline: same SELECT … LIMIT 20 and COUNT(*) on the same file, statements prepared once,',
      '  no token lookup, no definition load, no rule compilation, no security pipeline (target ≥ 0.80)',
      `plans (both; the owner index is the one Bulwark creates for every relation field):`,
      `  page:  ${plan(PAGE_SQL, reader, PER_PAGE)}`,
      `  count: ${plan(COUNT_SQL, reader)}`,
      `${'server'.padEnd(22)}${'req/s'.padStart(9)}${'p99 ms'.padStart(8)}${'non2xx'.padStart(7)}${'cpu µs/req'.padStart(12)}${'vs bare'.padStart(9)}`,
      row(firstBare, firstBare),
      row(secondBulwark, firstBare),
      row(firstBulwark, secondBare),
      row(secondBare, secondBare),
      `Bulwark / bare over both rounds: ${(sum((pair) => pair[1]) / sum((pair) => pair[0])).toFixed(2)}`,
      '',
    ].join('\n'),
  );
} finally {
  await bare.close();
  sqlite?.close();
  await bench.stop();
}
