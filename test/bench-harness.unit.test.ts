import Fastify from 'fastify';
import { afterAll, describe, expect, it } from 'vitest';
import { startLoadGenerator } from '../bench/harness/load-generator.js';
import { type CpuProfile, formatSummary, summariseProfile } from '../bench/harness/profile-summary.js';
import { measureRounds, ratioOf, roundOrder, type Sample, summarise } from '../bench/harness/rounds.js';
import { median } from '../bench/harness/stats.js';
import { comparedRow, formatTable, rowOf } from '../bench/harness/table.js';

const sample = (requestsPerSecond: number, statuses: Record<string, number> = { 200: 10 }): Sample => ({
  requestsPerSecond,
  requests: 10,
  p99Ms: 1,
  non2xx: Object.entries(statuses).reduce((n, [status, count]) => n + (status.startsWith('2') ? 0 : count), 0),
  errors: 0,
  statuses,
  cpuMicrosPerRequest: 100,
  loopDelayP99Ms: 0,
  loopHistogramP99Ms: 10,
});

describe('the benchmark harness', () => {
  it('alternates the order of the sides from one round to the next', () => {
    expect([0, 1, 2, 3].map((round) => roundOrder(['A', 'B', 'C'], round).join(''))).toEqual([
      'ABC',
      'CBA',
      'ABC',
      'CBA',
    ]);
  });

  it('summarises by medians and compares the sides round by round', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    // Per-round ratios 0.3, 0.5 and 0.75: their median is 0.5, where the medians' ratio would be 0.3.
    const bare = summarise('bare', [sample(1000), sample(400), sample(1200)]);
    const ours = summarise('ours', [sample(300), sample(200), sample(900)]);
    expect(bare.requestsPerSecond).toBe(1000);
    expect(ours.requestsPerSecond).toBe(300);
    expect(ratioOf(ours, bare)).toBe(0.5);
    const table = formatTable('title', [], [rowOf(bare), comparedRow(ours, bare, 0.65)]);
    expect(table).toMatch(/^ours .* 0\.50 +bare +≥ 0\.65 NOT MET$/m);
    expect(table).toContain('ours: ratio per round 0.30, 0.50, 0.75');
  });

  it('lists answers that are not 2xx under the table', () => {
    const side = summarise('ours', [sample(10, { 200: 5, 503: 7 }), sample(10, { 503: 1 }), sample(10)]);
    const table = formatTable('title', [], [rowOf(side)]);
    expect(side.non2xx).toBe(8);
    expect(table).toContain('ours: 8× 503');
  });
});

describe('the profile summary', () => {
  const frame = (id: number, functionName: string, url: string, children: number[] = []) => ({
    id,
    callFrame: { functionName, url },
    children,
  });
  const src = new URL('../src/', import.meta.url).href;
  // root → node:_http_server → Kysely driver → native `all`; root → auth → node:crypto Hmac → native `init`;
  // root → node:net → native `writev`; root → (idle); root → (garbage collector);
  // root → Fastify's serialize → native `get`, and → anonymous0 → anonymous1 (generated serializer).
  const profile: CpuProfile = {
    nodes: [
      frame(1, '(root)', '', [2, 5, 7, 9, 10, 11]),
      frame(2, 'emit', 'node:_http_server', [3]),
      frame(3, 'executeQuery', 'file:///x/node_modules/kysely/dist/esm/dialect/sqlite/sqlite-driver.js', [4]),
      frame(4, 'all', ''),
      frame(5, 'hashToken', `${src}lib/crypto/token-hasher.ts`, [13]),
      frame(13, 'Hmac', 'node:internal/crypto/hash', [6]),
      frame(6, 'init', ''),
      frame(7, 'writevGeneric', 'node:internal/stream_base_commons', [8]),
      frame(8, 'writev', ''),
      frame(9, '(idle)', ''),
      frame(10, '(garbage collector)', ''),
      frame(11, 'serialize', 'file:///x/node_modules/fastify/lib/reply.js', [12, 14]),
      frame(12, 'get', ''),
      frame(14, 'anonymous0', '', [15]),
      frame(15, 'anonymous1', ''),
    ],
    startTime: 0,
    endTime: 1000,
    // Each sample lasts until the next one: the delta that follows it.
    samples: [4, 4, 6, 8, 9, 10, 3, 12, 15, 4],
    timeDeltas: [0, 100, 200, 50, 30, 400, 20, 10, 7, 3],
  };

  it('charges self time to areas, a native frame to the code that called it, idle apart', () => {
    const summary = summariseProfile(profile, 2);
    /** An area's self time in µs. */
    const area = (name: string) => 1000 * (summary.areas.find((row) => row.area.startsWith(name))?.selfMs ?? 0);
    expect(area('SQL driver')).toBeCloseTo(300); // `all` twice: 100 + 200 µs
    expect(area('auth')).toBeCloseTo(50); // the HMAC's native `init`, for auth through node:crypto
    expect(area('Node core')).toBeCloseTo(30); // `writev`, called from node:net
    expect(area('GC')).toBeCloseTo(20);
    expect(area('Kysely')).toBeCloseTo(10);
    expect(area('Fastify')).toBeCloseTo(7); // a native `get` that no SQL code called is not SQL
    expect(1000 * summary.idleMs).toBeCloseTo(400);
    expect(area('JSON')).toBeCloseTo(3); // fast-json-stringify's `new Function` code under reply.js
    expect(1000 * summary.busyMs).toBeCloseTo(420);
    expect(summary.areas.find((row) => row.area.startsWith('SQL'))?.microsPerRequest).toBeCloseTo(150);
    expect(formatSummary(summary)).toMatch(/\| `init` +\| \(native\) +\| auth \(token lookup\) +\| +0 \|/);
  });
});

describe('the load generator', { tags: ['slow'] }, () => {
  const server = Fastify();
  server.get('/ok', async () => ({ ok: true }));
  const generator = startLoadGenerator();
  afterAll(async () => {
    generator.close();
    await server.close();
  });

  it('runs in its own process and reports every round of every side with its statuses', async () => {
    const url = await server.listen({ host: '127.0.0.1', port: 0 });
    const settings = { seconds: 1, warmupSeconds: 0, rounds: 3, connections: 2 };
    const [ok, missing] = await measureRounds(
      generator,
      [
        { name: 'ok', load: { url: `${url}/ok` } },
        { name: 'missing', load: { url: `${url}/missing` } },
      ],
      settings,
    );
    expect(ok?.samples).toHaveLength(3);
    expect(missing?.samples).toHaveLength(3);
    expect(ok?.non2xx).toBe(0);
    expect(Object.keys(ok?.statuses ?? {})).toEqual(['200']);
    expect(Object.keys(missing?.statuses ?? {})).toEqual(['404']);
    expect(missing?.non2xx).toBe(missing?.samples.reduce((n, s) => n + s.requests, 0));
    expect(ok?.samples.every((s) => s.requests > 0 && s.cpuMicrosPerRequest > 0)).toBe(true);
  });
});
