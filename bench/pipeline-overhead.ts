import Fastify from 'fastify';
import { startLoadGenerator } from './harness/load-generator.js';
import { measureRounds } from './harness/rounds.js';
import { benchSettings } from './harness/settings.js';
import { comparedRow, howMeasured, printTable, rowOf } from './harness/table.js';
import { startBenchApp } from './start-bench-app.js';

/**
 * Cost of Bulwark's whole pipeline (request id, security headers, abuse guard, load shedding,
 * problem+json, redacting logger, 405 tracking) on GET /api/health, against bare Fastify with
 * no hooks serving the same route, both listening in this process for the whole run while the
 * load comes from a separate one. Target from issue 18: ≥ 0.6. Prints a table; asserts nothing.
 */
const settings = benchSettings({ seconds: 5, connections: 10 });

const bare = Fastify();
bare.get('/api/health', async () => ({ status: 'ok' }));
const bareUrl = await bare.listen({ host: '127.0.0.1', port: 0 });
const bench = await startBenchApp();
const generator = startLoadGenerator();
try {
  const [baseline, full] = await measureRounds(
    generator,
    [
      { name: 'bare Fastify, no hooks', load: { url: `${bareUrl}/api/health` } },
      { name: 'Bulwark pipeline', load: { url: `${bench.url}/api/health` } },
    ],
    settings,
  );
  if (!baseline || !full) throw new Error('a side was not measured');
  printTable('GET /api/health: the whole pipeline against bare Fastify', howMeasured(settings), [
    rowOf(baseline),
    comparedRow(full, baseline, 0.6),
  ]);
} finally {
  generator.close();
  await bench.stop();
  await bare.close();
}
