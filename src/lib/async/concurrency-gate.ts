/**
 * Runs at most `limit` tasks at once; the others wait their turn in arrival order.
 *
 * @example
 * const gate = createConcurrencyGate(2);
 * const digest = await gate(() => expensiveHash(input));
 */
export type ConcurrencyGate = <T>(task: () => Promise<T>) => Promise<T>;

export function createConcurrencyGate(limit: number): ConcurrencyGate {
  if (!Number.isSafeInteger(limit) || limit < 1)
    throw new RangeError(`A concurrency limit must be 1 or more, not ${limit}.`);
  let running = 0;
  const waiting: Array<() => void> = [];
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async (task) => {
    // A finished task hands its place straight to the next in line, so none can overtake.
    if (running < limit) running++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}
