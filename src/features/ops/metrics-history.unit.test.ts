import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.js';
import { createMetricsHistory } from './metrics-history.js';

describe('createMetricsHistory', () => {
  it('keeps one sample per interval with the counts within it, and the interval under way last', async () => {
    const metrics = createMetricsRegistry();
    let now = Date.parse('2026-01-01T00:00:00Z');
    const history = createMetricsHistory(metrics, {
      now: () => now,
      onError: (error) => expect(error).toBeUndefined(),
      intervalMs: 20,
    });
    metrics.counters.signIns.inc({ outcome: 'failure', method: 'password' }, 2);
    for (const seconds of [0.004, 0.004, 0.004, 0.004, 0.4]) {
      metrics.http.observeRequest({ method: 'GET', route: '/x', statusClass: '2xx', seconds });
    }
    history.start();
    await new Promise((resolve) => setTimeout(resolve, 35));
    now += 60_000;
    metrics.counters.bansIssued.inc();
    const read = await history.read();
    history.stop();
    expect(read.samples).toHaveLength(2);
    const [first, current] = read.samples;
    expect(first?.signIns.failure).toBe(2);
    expect(first?.requests).toBe(5);
    // Mean of 4 × 4 ms and one 400 ms; p95 (rank 4.75 of 5) interpolated in the 0.25–0.5 s bucket.
    expect(first?.latencyMs.mean).toBe(83.2);
    expect(first?.latencyMs.p95).toBe(437.5);
    expect(current).toMatchObject({ bansIssued: 1, requests: 0, latencyMs: { mean: null, p95: null } });
    expect(current?.signIns.failure).toBe(0);
    expect(read.totals).toMatchObject({ bansIssued: 1, requests: 5, signIns: { failure: 2 } });
  });
});
