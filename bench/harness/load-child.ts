import autocannon from 'autocannon';
import type { LoadReply, LoadRequest } from './load-generator.js';

/**
 * The load generator's own process (forked by load-generator.ts): runs autocannon for each
 * request the parent sends over IPC and answers with the figures the benchmarks use, so the
 * load's CPU and garbage never count against the server measured in the parent. Leaves when
 * the parent disconnects.
 */
process.on('message', async (message: LoadRequest) => {
  let reply: LoadReply;
  try {
    const result = await autocannon({
      url: message.url,
      method: message.method ?? 'GET',
      headers: message.headers ?? {},
      ...(message.body === undefined ? {} : { body: message.body }),
      connections: message.connections,
      duration: message.seconds,
    });
    reply = {
      id: message.id,
      result: {
        requestsPerSecond: result.requests.average,
        requests: result.requests.total,
        p99Ms: result.latency.p99,
        non2xx: result.non2xx,
        errors: result.errors,
        statuses: Object.fromEntries(
          Object.entries(result.statusCodeStats ?? {}).map(([status, stats]) => [status, stats.count ?? 0]),
        ),
      },
    };
  } catch (error) {
    reply = { id: message.id, error: error instanceof Error ? error.message : String(error) };
  }
  process.send?.(reply);
});
process.on('disconnect', () => process.exit(0));
