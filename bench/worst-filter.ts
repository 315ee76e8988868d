import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import {
  MAX_EXPRESSION_LENGTH,
  MAX_PATTERN_TERMS,
  MAX_RELATION_PATHS,
  MAX_SORT_KEYS,
  MAX_STRING_LITERAL_LENGTH,
  MAX_TERMS,
} from '../src/features/rules/index.js';
import { adminToken, postJson } from './harness/bench-admin.js';
import { median } from './harness/stats.js';
import { startBenchApp } from './start-bench-app.js';

/**
 * The most expensive client filters and sorts the rule language's limits allow, on SQLite
 * (which has no statement timeout: a slow filter holds its connection and the event loop for as
 * long as it runs), beside a list without a filter in the same run. 100,000 records in a public
 * collection (list rule ""), so no rule narrows the scan; every title is 100 'a's, the data a
 * client that can create records could plant, so a `~` operand of 'a's ending in 'b' nearly
 * matches at every position. The cases are the worst filters of the old limits (32 of anything:
 * now refused, shown as such) and the worst of the current ones, built from the constants in
 * src/features/rules/limits.ts: either matching nothing, or — the last case — true on every
 * record and sorted by a relation, so neither the count nor the page can stop early. Each runs
 * through the whole request (definition, compilation, count and page). Prints a table; asserts
 * nothing. About a minute.
 */
const RECORDS = 100_000;
const AUTHORS = 1_000;
const TITLE = 'a'.repeat(100);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

/** `count` copies of `term` joined by `||`, as many as the comparison and length limits allow. */
function chain(term: (index: number) => string, count = MAX_TERMS): string {
  const terms: string[] = [];
  for (let i = 0; i < count; i++) {
    const next = [...terms, term(i)].join(' || ');
    if (next.length > MAX_EXPRESSION_LENGTH) break;
    terms.push(term(i));
  }
  return terms.join(' || ');
}

/** A `~` operand of 'a's ending in 'b' that fills the expression length over `count` terms. */
function nearMiss(count: number, overhead: number): string {
  const room = Math.floor((MAX_EXPRESSION_LENGTH - (count - 1) * 4) / count) - overhead;
  return `${'a'.repeat(Math.max(1, Math.min(room, MAX_STRING_LITERAL_LENGTH) - 1))}b`;
}

/** `count` sort keys on the relation, alternating direction. */
function relationSort(count: number): string {
  return Array.from({ length: count }, (_, i) => (i % 2 ? '-author.name' : 'author.name')).join(',');
}

/**
 * Everything the limits allow at once, true on every record so every term runs on every row and
 * the page must sort them all: near-miss `!~` on a relation path first (the costliest term),
 * then on titles, then plain comparisons up to the term and length limits, joined by `&&`.
 */
function worstAllowed(): string {
  const patterns = Math.min(MAX_PATTERN_TERMS, MAX_TERMS);
  const operand = nearMiss(patterns + 4, 18);
  return chain((i) => {
    if (i < Math.min(MAX_RELATION_PATHS, patterns)) return `author.name !~ "${operand}"`;
    if (i < patterns) return `title !~ "${operand}"`;
    return 'views >= 0';
  }, MAX_TERMS).replaceAll(' || ', ' && ');
}

interface Case {
  name: string;
  filter?: string;
  sort?: string;
}

const CASES: Case[] = [
  { name: 'no filter (baseline)' },
  { name: 'title = "x"', filter: 'title = "x"' },
  { name: 'title ~ "x"', filter: 'title ~ "x"' },
  { name: `title ~ ${MAX_STRING_LITERAL_LENGTH - 1} a's + b`, filter: `title ~ "${nearMiss(1, 12)}"` },
  { name: `${MAX_TERMS} × views > 1e9 (||)`, filter: chain(() => 'views > 1000000000') },
  { name: `${MAX_TERMS} × title ~ "x" (||)`, filter: chain((i) => `title ~ "x${i}"`) },
  { name: `${MAX_TERMS} × title ~ a…ab (||)`, filter: chain(() => `title ~ "${nearMiss(MAX_TERMS, 12)}"`) },
  { name: `${MAX_TERMS} × author.name = "x" (||)`, filter: chain((i) => `author.name = "x${i}"`) },
  { name: `${MAX_TERMS} × author.name ~ a…ab (||)`, filter: chain(() => `author.name ~ "${nearMiss(MAX_TERMS, 18)}"`) },
  { name: `${MAX_SORT_KEYS} relation sort keys, no filter`, sort: relationSort(MAX_SORT_KEYS) },
  { name: `${MAX_RELATION_PATHS} relation sort key(s), no filter`, sort: relationSort(MAX_RELATION_PATHS) },
  { name: `${MAX_SORT_KEYS} plain sort keys, no filter`, sort: '-title,views,title,-views,id,-id,created,-updated' },
  { name: 'worst allowed, sorted by a relation', filter: worstAllowed(), sort: relationSort(MAX_RELATION_PATHS) },
];

const bench = await startBenchApp();
const { app } = bench;
try {
  const post = (path: string, payload: object, headers: Record<string, string> = {}) =>
    postJson(app, path, payload, headers);
  const admin = { authorization: `Bearer ${await adminToken(app)}` };
  await post(
    '/api/admin/collections',
    { name: 'authors', fields: [{ name: 'name', type: 'text' }], rules: { list: '', view: '' } },
    admin,
  );
  await post(
    '/api/admin/collections',
    {
      name: 'posts',
      fields: [
        { name: 'title', type: 'text' },
        { name: 'views', type: 'number' },
        { name: 'author', type: 'relation', collection: 'authors' },
      ],
      rules: { list: '', view: '' },
    },
    admin,
  );

  const seeded = performance.now();
  const db = app.database.db;
  const authorIds = Array.from({ length: AUTHORS }, () => randomUUID());
  await db.transaction().execute(async (trx) => {
    const stamp = new Date().toISOString();
    await trx
      .insertInto('c_authors' as never)
      .values(authorIds.map((id) => ({ id, created: stamp, updated: stamp, name: 'a'.repeat(40) })) as never)
      .execute();
    const start = Date.parse('2025-01-01T00:00:00Z');
    for (let batch = 0; batch < RECORDS; batch += 1000) {
      const rows = Array.from({ length: 1000 }, (_, j) => {
        const n = batch + j;
        const created = new Date(start + n * 1000).toISOString();
        return { id: randomUUID(), created, updated: created, title: TITLE, views: n, author: authorIds[n % AUTHORS] };
      });
      await trx
        .insertInto('c_posts' as never)
        .values(rows as never)
        .execute();
    }
  });
  await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db);
  const seedSeconds = (performance.now() - seeded) / 1000;

  /** Median wall time of RUNS list requests (a guest: the list rule is public), or the refusal. */
  const timeList = async (c: Case): Promise<{ ms?: number; min?: number; outcome: string }> => {
    const query = new URLSearchParams({ perPage: '20' });
    if (c.filter) query.set('filter', c.filter);
    if (c.sort) query.set('sort', c.sort);
    const url = `/api/collections/posts/records?${query}`;
    const times: number[] = [];
    let outcome = '';
    for (let i = 0; i < RUNS; i++) {
      const started = performance.now();
      const response = await app.http.inject({ method: 'GET', url });
      times.push(performance.now() - started);
      const body = response.json();
      outcome = response.statusCode === 200 ? `200, ${body.totalItems} items` : `${response.statusCode} ${body.code}`;
      if (response.statusCode !== 200) return { outcome };
    }
    return { ms: median(times), min: Math.min(...times), outcome };
  };

  await timeList(CASES[0] as Case);
  const results: Array<{ c: Case; ms?: number; min?: number; outcome: string }> = [];
  for (const c of CASES) results.push({ c, ...(await timeList(c)) });
  const baseline = results[0]?.ms ?? 1;
  const lines = [
    `worst filters on SQLite: ${RECORDS.toLocaleString('en')} records (titles of 100 'a's), ${AUTHORS} authors, public list, ` +
      `median and fastest of ${RUNS} requests each (count + page of 20); seeded in ${seedSeconds.toFixed(1)}s`,
    `limits: ${MAX_EXPRESSION_LENGTH} characters, ${MAX_TERMS} comparisons of which ${MAX_PATTERN_TERMS} ~, ` +
      `${MAX_RELATION_PATHS} relation path(s), literals ${MAX_STRING_LITERAL_LENGTH}, ${MAX_SORT_KEYS} sort keys`,
    `${'filter'.padEnd(40)}${'length'.padStart(7)}${'ms'.padStart(9)}${'min ms'.padStart(9)}${'vs none'.padStart(9)}  answer`,
    ...results.map(({ c, ms, min, outcome }) =>
      [
        c.name.padEnd(40),
        String((c.filter ?? '').length + (c.sort ?? '').length).padStart(7),
        (ms === undefined ? '—' : ms.toFixed(0)).padStart(9),
        (min === undefined ? '—' : min.toFixed(0)).padStart(9),
        (ms === undefined ? '—' : (ms / baseline).toFixed(1)).padStart(9),
        `  ${outcome}`,
      ].join(''),
    ),
    '',
  ];
  process.stdout.write(lines.join('\n'));
} finally {
  await bench.stop();
}
