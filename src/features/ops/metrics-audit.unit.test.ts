import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.js';
import { createAuditMetrics, createDistinctWindow } from './metrics-audit.js';

/** The distinct-failure gauges' memory: keys counted once, forgotten after the window, bounded. */
describe('createDistinctWindow', () => {
  it('counts a key once however often it is seen, and forgets it once the window has passed', () => {
    let now = 1_000_000;
    const window = createDistinctWindow(() => now, 10 * 60_000, 100);
    window.add('a@example.com');
    window.add('a@example.com');
    window.add('b@example.com');
    expect(window.size()).toBe(2);
    now += 9 * 60_000;
    window.add('a@example.com'); // seen again: its 10 minutes start afresh
    now += 2 * 60_000;
    expect(window.size()).toBe(1);
    now += 9 * 60_000;
    expect(window.size()).toBe(0);
  });

  it('holds at most maxKeys, dropping the longest unseen first, so a flood of keys costs bounded memory', () => {
    let now = 0;
    const window = createDistinctWindow(() => now, 10 * 60_000, 1000);
    for (let i = 0; i < 5000; i++) {
      now += 1;
      window.add(`guess-${i}@example.com`);
    }
    expect(window.size()).toBe(1000);
  });
});

/** In-process alerts show up as `bulwark_alerts_fired_total{alert}`, and only under their own names. */
describe('createAuditMetrics: alerts fired', () => {
  it('counts an alert.fired entry under its alert name, and ignores a name that is not an alert name', async () => {
    const metrics = createMetricsRegistry();
    const count = createAuditMetrics(metrics, { ipv6PrefixLength: 64, now: Date.now });
    const fired = (alert: unknown) => count({ type: 'alert.fired', actor: 'system', details: { alert } });
    await fired('sign_in_failure_spike');
    await fired('sign_in_failure_spike');
    await fired('ban_wave');
    await fired('alice@example.com');
    await fired(42);
    const values = (await metrics.registry.getSingleMetric('bulwark_alerts_fired_total')?.get())?.values ?? [];
    expect(values.map(({ labels, value }) => [labels.alert, value])).toEqual([
      ['sign_in_failure_spike', 2],
      ['ban_wave', 1],
    ]);
  });
});
