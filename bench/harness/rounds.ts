import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { LoadGenerator, LoadOptions, LoadResult } from './load-generator.js';
import type { BenchSettings } from './settings.js';
import { median } from './stats.js';

/** One side of a comparison: a name and the request the load generator repeats. */
export interface Side {
  name: string;
  load: Omit<LoadOptions, 'connections' | 'seconds'>;
}

/** One side's burst in one round, with what the server (this process) spent on it. */
export interface Sample extends LoadResult {
  /** CPU of this process (the server; the load runs elsewhere) per answered request, µs. */
  cpuMicrosPerRequest: number;
  /** How late this process's event loop ran a 10 ms timer, p99 over the burst, ms. */
  loopDelayP99Ms: number;
  /** The histogram's own p99 (period included), as benches before the harness reported it, ms. */
  loopHistogramP99Ms: number;
}

export interface SideSummary {
  name: string;
  samples: Sample[];
  /** Medians over the rounds. */
  requestsPerSecond: number;
  p99Ms: number;
  cpuMicrosPerRequest: number;
  loopDelayP99Ms: number;
  loopHistogramP99Ms: number;
  /** Totals over the rounds: any is a finding, not noise. */
  non2xx: number;
  errors: number;
  statuses: Record<string, number>;
}

/**
 * The histogram records each interval between ticks of a timer of this period, so an idle loop
 * reads about 10 ms; the delay is what lies beyond it.
 */
export const LOOP_SAMPLING_MS = 10;

/** Sides in their order for `round`: forward in even rounds, reversed in odd ones (A,B then B,A). */
export function roundOrder<T>(sides: readonly T[], round: number): T[] {
  return round % 2 === 0 ? [...sides] : [...sides].reverse();
}

async function measureOnce(generator: LoadGenerator, side: Side, seconds: number, connections: number) {
  const loop = monitorEventLoopDelay({ resolution: LOOP_SAMPLING_MS });
  const cpuBefore = process.cpuUsage();
  loop.enable();
  const result = await generator.run({ ...side.load, seconds, connections });
  loop.disable();
  const cpu = process.cpuUsage(cpuBefore);
  return {
    ...result,
    cpuMicrosPerRequest: (cpu.user + cpu.system) / Math.max(result.requests, 1),
    loopDelayP99Ms: Math.max(0, loop.percentile(99) / 1e6 - LOOP_SAMPLING_MS),
    loopHistogramP99Ms: loop.percentile(99) / 1e6,
  } satisfies Sample;
}

/**
 * Warms every side up alike, then measures each once per round, alternating the order so no
 * side always goes first (or always follows the other's garbage), and summarises each by its
 * medians. Progress goes to stderr; the table is the caller's.
 */
export async function measureRounds(
  generator: LoadGenerator,
  sides: readonly Side[],
  settings: BenchSettings,
): Promise<SideSummary[]> {
  if (settings.warmupSeconds > 0) {
    for (const side of sides)
      await generator.run({ ...side.load, seconds: settings.warmupSeconds, connections: settings.connections });
  }
  const samples = new Map<Side, Sample[]>(sides.map((side) => [side, []]));
  for (let round = 0; round < settings.rounds; round++) {
    for (const side of roundOrder(sides, round)) {
      const sample = await measureOnce(generator, side, settings.seconds, settings.connections);
      samples.get(side)?.push(sample);
      process.stderr.write(
        `  round ${round + 1}/${settings.rounds} ${side.name}: ${sample.requestsPerSecond.toFixed(0)} req/s\n`,
      );
    }
  }
  return sides.map((side) => summarise(side.name, samples.get(side) ?? []));
}

export function summarise(name: string, samples: Sample[]): SideSummary {
  return {
    name,
    samples,
    requestsPerSecond: median(samples.map((s) => s.requestsPerSecond)),
    p99Ms: median(samples.map((s) => s.p99Ms)),
    cpuMicrosPerRequest: median(samples.map((s) => s.cpuMicrosPerRequest)),
    loopDelayP99Ms: median(samples.map((s) => s.loopDelayP99Ms)),
    loopHistogramP99Ms: median(samples.map((s) => s.loopHistogramP99Ms)),
    non2xx: samples.reduce((sum, s) => sum + s.non2xx, 0),
    errors: samples.reduce((sum, s) => sum + s.errors, 0),
    statuses: samples.reduce<Record<string, number>>((total, s) => {
      for (const [status, count] of Object.entries(s.statuses)) total[status] = (total[status] ?? 0) + count;
      return total;
    }, {}),
  };
}

/** `side`'s req/s over `baseline`'s, round by round. */
export function roundRatios(side: SideSummary, baseline: SideSummary): number[] {
  return side.samples.map((sample, round) => {
    const base = baseline.samples[round];
    return base && base.requestsPerSecond > 0 ? sample.requestsPerSecond / base.requestsPerSecond : 0;
  });
}

/**
 * The median of the per-round ratios: each pair ran back to back, so a round the shared machine
 * slowed down slows both sides and cancels out.
 */
export function ratioOf(side: SideSummary, baseline: SideSummary): number {
  return median(roundRatios(side, baseline));
}
