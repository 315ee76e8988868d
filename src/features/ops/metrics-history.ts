import type { MetricsRegistry } from './metrics.js';

/** One sample a minute for the last hour: enough to see a spike and its end at a glance. */
const SAMPLE_INTERVAL_MS = 60_000;
const SAMPLES_KEPT = 60;

/** Counter totals since this instance started, and the duration histogram's state. */
interface Totals {
  signIns: { success: number; failure: number; throttled: number; secondFactorRequired: number };
  denials: { rules: number; csrf: number; rateLimit: number };
  bansIssued: number;
  requests: number;
  latency: { count: number; sum: number; buckets: Map<number, number> };
}

export interface MetricsSample {
  /** End of the interval. */
  time: string;
  signIns: Totals['signIns'];
  denials: Totals['denials'];
  bansIssued: number;
  requests: number;
  /** Request latency within the interval; null when no request was answered. */
  latencyMs: { mean: number | null; p95: number | null };
}

const SIGN_IN_OUTCOMES = {
  success: 'success',
  failure: 'failure',
  throttled: 'throttled',
  second_factor_required: 'secondFactorRequired',
} as const;

const zeroTotals = (): Totals => ({
  signIns: { success: 0, failure: 0, throttled: 0, secondFactorRequired: 0 },
  denials: { rules: 0, csrf: 0, rateLimit: 0 },
  bansIssued: 0,
  requests: 0,
  latency: { count: 0, sum: 0, buckets: new Map() },
});

async function readTotals(metrics: MetricsRegistry): Promise<Totals> {
  const { counters } = metrics;
  const sum = async (counter: { get: () => Promise<{ values: { value: number }[] }> }) =>
    (await counter.get()).values.reduce((total, item) => total + item.value, 0);
  const signIns = { success: 0, failure: 0, throttled: 0, secondFactorRequired: 0 };
  for (const { value, labels } of (await counters.signIns.get()).values) {
    const key = SIGN_IN_OUTCOMES[String(labels.outcome) as keyof typeof SIGN_IN_OUTCOMES];
    if (key) signIns[key] += value;
  }
  const latency = { count: 0, sum: 0, buckets: new Map<number, number>() };
  for (const { metricName, value, labels } of (await metrics.duration.get()).values) {
    if (metricName?.endsWith('_count')) latency.count += value;
    else if (metricName?.endsWith('_sum')) latency.sum += value;
    else if (metricName?.endsWith('_bucket')) {
      // prom-client adds the bucket's bound as `le`, beyond the histogram's declared labels.
      const bound = String((labels as { le?: string | number }).le);
      const le = bound === '+Inf' ? Number.POSITIVE_INFINITY : Number(bound);
      latency.buckets.set(le, (latency.buckets.get(le) ?? 0) + value);
    }
  }
  return {
    signIns,
    denials: {
      rules: await sum(counters.ruleDenials),
      csrf: await sum(counters.csrfRefusals),
      rateLimit: await sum(counters.rateLimitRefusals),
    },
    bansIssued: await sum(counters.bansIssued),
    requests: await sum(counters.httpRequests),
    latency,
  };
}

/** The 95th percentile within the interval, interpolated in its bucket as Prometheus does. */
function p95Seconds(before: Totals['latency'], after: Totals['latency'], count: number): number {
  const rank = 0.95 * count;
  let lower = 0;
  let below = 0;
  for (const le of [...after.buckets.keys()].sort((a, b) => a - b)) {
    const cumulative = (after.buckets.get(le) ?? 0) - (before.buckets.get(le) ?? 0);
    if (cumulative >= rank) {
      // Beyond the largest finite bucket, the best answer is that bucket's bound.
      if (!Number.isFinite(le)) return lower;
      const inBucket = cumulative - below;
      return inBucket === 0 ? le : lower + ((le - lower) * (rank - below)) / inBucket;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

const round = (value: number) => Math.round(value * 10) / 10;

function sampleBetween(before: Totals, after: Totals, timeMs: number): MetricsSample {
  const diff = <K extends string>(a: Record<K, number>, b: Record<K, number>) =>
    Object.fromEntries(Object.keys(b).map((key) => [key, b[key as K] - a[key as K]])) as Record<K, number>;
  const count = after.latency.count - before.latency.count;
  return {
    time: new Date(timeMs).toISOString(),
    signIns: diff(before.signIns, after.signIns),
    denials: diff(before.denials, after.denials),
    bansIssued: after.bansIssued - before.bansIssued,
    requests: after.requests - before.requests,
    latencyMs:
      count === 0
        ? { mean: null, p95: null }
        : {
            mean: round(((after.latency.sum - before.latency.sum) / count) * 1000),
            p95: round(p95Seconds(before.latency, after.latency, count) * 1000),
          },
  };
}

/**
 * This instance's recent history of the security counters, kept in memory: a sample a minute
 * (each the counts within that minute) for the last hour. Nothing is shared between instances;
 * Prometheus (`GET /metrics`) is where a cluster's history lives.
 */
export function createMetricsHistory(
  metrics: MetricsRegistry,
  options: { now: () => number; onError: (error: unknown) => void; intervalMs?: number },
) {
  const intervalMs = options.intervalMs ?? SAMPLE_INTERVAL_MS;
  const startedMs = options.now();
  const samples: MetricsSample[] = [];
  // The totals at the last sample; the registry is made with the app, so at first all are zero.
  let last = zeroTotals();
  let timer: NodeJS.Timeout | undefined;

  const tick = async () => {
    const totals = await readTotals(metrics);
    samples.push(sampleBetween(last, totals, options.now()));
    if (samples.length > SAMPLES_KEPT) samples.shift();
    last = totals;
  };

  return {
    start() {
      // Unref'd: a history never keeps the process alive.
      timer ??= setInterval(() => void tick().catch(options.onError), intervalMs).unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
    /** The kept samples, the minute under way (ending now), and the totals since start. */
    async read() {
      const previous = last;
      const totals = await readTotals(metrics);
      const { latency: _latency, ...counts } = totals;
      return {
        startedAt: new Date(startedMs).toISOString(),
        intervalSeconds: intervalMs / 1000,
        totals: counts,
        samples: [...samples, sampleBetween(previous, totals, options.now())],
      };
    },
  };
}

export type MetricsHistory = ReturnType<typeof createMetricsHistory>;
