import type { MetricsHistory } from '@bulwark/client';
import { useEffect, useMemo } from 'preact/hooks';
import { client } from '../api.js';
import { useLoad } from '../use-call.js';
import { Chart, type Line } from './metrics-chart.js';
import { Status } from './status.js';

/** The server samples once a minute; reloading more often shows only the minute under way moving. */
const REFRESH_MS = 60_000;

type Sample = MetricsHistory['samples'][number];
const line = (label: string, samples: Sample[], pick: (sample: Sample) => number | null): Line => ({
  label,
  values: samples.map(pick),
});

/** Sign-in outcomes, access denials, bans and request latency of the instance that answers. */
export function Metrics() {
  const { loaded, reload } = useLoad(() => client.metrics.history(), []);
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  const data = loaded.status === 'ready' ? loaded.data : null;
  const charts = useMemo(() => (data ? chartsOf(data.samples) : null), [data]);

  return (
    <main aria-labelledby="metrics-title">
      <h1 id="metrics-title">Metrics</h1>
      <Status loaded={loaded} />
      {data && charts ? (
        <>
          <p>
            Counts per minute for the last hour, kept in memory by the instance that answered (started{' '}
            {new Date(data.startedAt).toLocaleString()}). Each instance keeps its own; Prometheus on{' '}
            <code>/metrics</code> sees them all. The last point is the minute under way.
          </p>
          <button type="button" class="secondary" onClick={reload}>
            Refresh
          </button>
          <div class="charts">
            <Chart title="Sign-ins per minute" times={charts.times} lines={charts.signIns} unit="" />
            <Chart title="Access denials per minute" times={charts.times} lines={charts.denials} unit="" />
            <Chart title="Bans issued per minute" times={charts.times} lines={charts.bans} unit="" />
            <Chart title="Request latency" times={charts.times} lines={charts.latency} unit=" ms" />
          </div>
          <Totals totals={data.totals} />
        </>
      ) : null}
    </main>
  );
}

function chartsOf(samples: Sample[]) {
  return {
    times: samples.map((sample) => Date.parse(sample.time) / 1000),
    signIns: [
      line('Succeeded', samples, (s) => s.signIns.success),
      line('Failed', samples, (s) => s.signIns.failure),
      line('Throttled', samples, (s) => s.signIns.throttled),
      line('Second factor owed', samples, (s) => s.signIns.secondFactorRequired),
    ],
    denials: [
      line('Rule', samples, (s) => s.denials.rules),
      line('CSRF', samples, (s) => s.denials.csrf),
      line('Rate limit', samples, (s) => s.denials.rateLimit),
    ],
    bans: [line('Bans', samples, (s) => s.bansIssued)],
    latency: [line('Mean', samples, (s) => s.latencyMs.mean), line('95th percentile', samples, (s) => s.latencyMs.p95)],
  };
}

/** The same counters as text: since this instance started. */
function Totals({ totals }: { totals: MetricsHistory['totals'] }) {
  const rows: [string, number][] = [
    ['Sign-ins succeeded', totals.signIns.success],
    ['Sign-ins failed', totals.signIns.failure],
    ['Sign-ins throttled', totals.signIns.throttled],
    ['Sign-ins owing a second factor', totals.signIns.secondFactorRequired],
    ['Denied by a rule', totals.denials.rules],
    ['Refused by the CSRF check', totals.denials.csrf],
    ['Refused by a rate limit', totals.denials.rateLimit],
    ['Bans issued', totals.bansIssued],
    ['Requests answered', totals.requests],
  ];
  return (
    <section aria-labelledby="totals-title">
      <h2 id="totals-title">Since this instance started</h2>
      <div class="table-wrap">
        <table class="totals">
          <tbody>
            {rows.map(([label, value]) => (
              <tr key={label}>
                <th scope="row">{label}</th>
                <td data-testid="total">{value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
