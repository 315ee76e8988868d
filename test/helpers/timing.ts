import { performance } from 'node:perf_hooks';

/** The middle value (mean of the two middle ones for an even count): robust to a few slow outliers. */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** How far apart two timing distributions are: the larger median over the smaller one (≥ 1). */
export function medianRatio(a: number[], b: number[]): number {
  const [x, y] = [median(a), median(b)];
  return Math.max(x, y) / Math.min(x, y);
}

/** Wall-clock milliseconds `work` took, with its result. */
export async function timed<T>(work: () => Promise<T>): Promise<{ elapsedMs: number; result: T }> {
  const started = performance.now();
  const result = await work();
  return { elapsedMs: performance.now() - started, result };
}
