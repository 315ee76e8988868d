import autocannon from 'autocannon';
import Fastify from 'fastify';
import { startBenchApp } from './start-bench-app.js';

/**
 * Cost of Bulwark's full pipeline (request id, security headers, problem+json, redacting
 * logger, 405 tracking, OpenAPI) on a hello-world route, against bare Fastify serving the same
 * route, in the same run on the same machine. Prints a ratio table; asserts nothing.
 */
const DURATION_SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;

interface Result {
  name: string;
  requestsPerSecond: number;
  p99Ms: number;
  non2xx: number;
}

async function measure(name: string, url: string): Promise<Result> {
  await autocannon({ url, connections: CONNECTIONS, duration: 1 }); // warm-up
  const result = await autocannon({ url, connections: CONNECTIONS, duration: DURATION_SECONDS });
  return { name, requestsPerSecond: result.requests.average, p99Ms: result.latency.p99, non2xx: result.non2xx };
}

async function bareFastify(): Promise<Result> {
  const app = Fastify();
  app.get('/api/health', async () => ({ status: 'ok' }));
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  try {
    return await measure('bare Fastify', `${url}/api/health`);
  } finally {
    await app.close();
  }
}

async function bulwark(): Promise<Result> {
  const bench = await startBenchApp();
  try {
    return await measure('Bulwark pipeline', `${bench.url}/api/health`);
  } finally {
    await bench.stop();
  }
}

const baseline = await bareFastify();
const full = await bulwark();
const rows = [baseline, full].map((r) => [
  r.name.padEnd(18),
  r.requestsPerSecond.toFixed(0).padStart(10),
  r.p99Ms.toFixed(1).padStart(8),
  (r.requestsPerSecond / baseline.requestsPerSecond).toFixed(2).padStart(10),
  String(r.non2xx).padStart(8),
]);
process.stdout.write(
  [
    `hello-world throughput, ${CONNECTIONS} connections, ${DURATION_SECONDS}s each (autocannon in-process)`,
    `${'server'.padEnd(18)}${'req/s'.padStart(10)}${'p99 ms'.padStart(8)}${'vs bare'.padStart(10)}${'non2xx'.padStart(8)}`,
    ...rows.map((cells) => cells.join('')),
    '',
  ].join('\n'),
);
