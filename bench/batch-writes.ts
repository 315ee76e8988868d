import { adminToken, BENCH_PASSWORD, postJson } from './harness/bench-admin.js';
import { median } from './harness/stats.js';
import { startBenchApp } from './start-bench-app.js';

/**
 * Writing many records: one `POST /api/batch` of 100 creates against 100 single creates, over
 * real HTTP on loopback, on SQLite, each write under the owner rule of the README's notes (so
 * every operation compiles and checks its rule either way). Singles are sent one after another
 * and also 10 at a time; batches one after another. Each way writes WRITES records per round;
 * the table shows the median over ROUNDS rounds of records per second and the ratio against
 * sequential singles in the same run. Prints a table; asserts nothing. About half a minute.
 */
const WRITES = Number(process.env.BENCH_WRITES ?? 2000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const BATCH = 100;
const CONCURRENCY = 10;

const bench = await startBenchApp();
const { app, url } = bench;
try {
  const admin = { authorization: `Bearer ${await adminToken(app)}` };
  await postJson(
    app,
    '/api/admin/collections',
    {
      name: 'notes',
      fields: [
        { name: 'title', type: 'text', required: true },
        { name: 'owner', type: 'relation', collection: 'users' },
      ],
      rules: {
        list: 'owner = @request.auth.id',
        view: 'owner = @request.auth.id',
        create: '@request.auth.id != "" && owner = @request.auth.id',
      },
    },
    admin,
  );
  const credentials = { email: 'writer@example.com', password: BENCH_PASSWORD };
  await postJson(app, '/api/auth/register', credentials);
  const token = (await postJson(app, '/api/auth/token', credentials)).accessToken as string;
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const me = (await (await fetch(`${url}/api/auth/me`, { headers })).json()) as { user: { id: string } };
  const note = (n: number) => ({ title: `note ${n}`, owner: me.user.id });

  const send = async (path: string, body: unknown) => {
    const response = await fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    await response.arrayBuffer();
  };
  const single = (n: number) => send('/api/collections/notes/records', note(n));
  const ways: Record<string, () => Promise<void>> = {
    'single creates, one at a time': async () => {
      for (let n = 0; n < WRITES; n++) await single(n);
    },
    [`single creates, ${CONCURRENCY} at a time`]: async () => {
      let next = 0;
      const worker = async () => {
        while (next < WRITES) await single(next++);
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    },
    [`batches of ${BATCH}, one at a time`]: async () => {
      for (let n = 0; n < WRITES; n += BATCH) {
        const requests = Array.from({ length: BATCH }, (_, i) => ({
          method: 'POST',
          url: '/api/collections/notes/records',
          body: note(n + i),
        }));
        await send('/api/batch', { requests });
      }
    },
  };

  const rates = new Map<string, number[]>(Object.keys(ways).map((name) => [name, []]));
  await ways[`batches of ${BATCH}, one at a time`]?.(); // warm-up: compiled statements, connections
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, run] of Object.entries(ways)) {
      const started = performance.now();
      await run();
      rates.get(name)?.push(WRITES / ((performance.now() - started) / 1000));
    }
  }
  const baseline = median(rates.get('single creates, one at a time') ?? [1]);
  const lines = [
    `batch writes on SQLite over loopback HTTP: ${WRITES} creates per way and round, median of ${ROUNDS} rounds, owner rule on every write`,
    `${'way'.padEnd(36)}${'records/s'.padStart(12)}${'vs singles'.padStart(12)}`,
    ...[...rates].map(([name, values]) =>
      [
        name.padEnd(36),
        median(values).toFixed(0).padStart(12),
        (median(values) / baseline).toFixed(2).padStart(12),
      ].join(''),
    ),
    '',
  ];
  process.stdout.write(lines.join('\n'));
} finally {
  await bench.stop();
}
