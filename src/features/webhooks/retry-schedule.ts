/**
 * Delay before the next attempt after `attemptsMade` failed ones: exponential backoff with
 * full jitter (a random time between 0 and `min(maxMs, baseMs × 2^(attemptsMade−1))`), so many
 * deliveries that failed together (a receiver down) do not all come back at the same moment.
 */
export function retryDelayMs(
  attemptsMade: number,
  policy: { retryBaseMs: number; retryMaxMs: number },
  random: () => number = Math.random,
): number {
  // 2^40 already exceeds any configurable cap; stop growing there so the number stays finite.
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 40);
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}
