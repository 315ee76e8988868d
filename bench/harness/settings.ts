/**
 * How long and how often every benchmark measures, from the environment so a quick check
 * (`BENCH_SECONDS=2 BENCH_ROUNDS=3`) and a careful run use the same code. Three rounds is the
 * floor: one median needs at least three values to ignore one disturbed round.
 */
function positive(name: string, fallback: number, minimum = 1): number {
  const text = process.env[name];
  if (text === undefined || text === '') return fallback;
  const value = Number(text);
  if (!Number.isFinite(value) || value < minimum) {
    throw new Error(`${name}=${text} is not a number of at least ${minimum}; unset it or give one such as ${fallback}`);
  }
  return value;
}

export interface BenchSettings {
  /** Seconds of load per side and round. */
  seconds: number;
  /** Seconds of load per side before the first round, so the JIT settles on each side alike. */
  warmupSeconds: number;
  /** Rounds; sides alternate their order from one round to the next. */
  rounds: number;
  /** Connections the load generator keeps open. */
  connections: number;
}

export function benchSettings(defaults: { seconds: number; connections: number }): BenchSettings {
  return {
    seconds: positive('BENCH_SECONDS', defaults.seconds),
    warmupSeconds: positive('BENCH_WARMUP_SECONDS', 2, 0),
    rounds: positive('BENCH_ROUNDS', 3, 3),
    connections: positive('BENCH_CONNECTIONS', defaults.connections),
  };
}
