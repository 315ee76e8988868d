import type { AttemptOutcome } from './webhooks-repo.js';

/** How one attempt went, before the queue decides what comes next. */
export interface AttemptResult {
  httpStatus: number | null;
  /** Stable reason for the log: `http-503`, `timeout`, `refused:address`, …; null on success. */
  error: string | null;
  /** Refused by the outbound policy (or unsignable): retrying cannot help. */
  isRefused: boolean;
}

export interface RetryPolicy {
  maxAttempts: number;
  retryBaseMs: number;
  retryMaxMs: number;
}

/**
 * Delay before the next attempt after `attemptsMade` failed ones: exponential backoff with
 * full jitter (a random time between 0 and `min(maxMs, baseMs × 2^(attemptsMade−1))`), so many
 * deliveries that failed together (a receiver down) do not all come back at the same moment.
 */
export function retryDelayMs(
  attemptsMade: number,
  policy: Pick<RetryPolicy, 'retryBaseMs' | 'retryMaxMs'>,
  random: () => number = Math.random,
): number {
  // 2^40 already exceeds any configurable cap; stop growing there so the number stays finite.
  const exponent = Math.min(Math.max(attemptsMade - 1, 0), 40);
  const ceiling = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** exponent);
  return Math.floor(random() * ceiling);
}

/** What the queue does after an attempt: done, refused (not retried), retry later, or give up (`dead`). */
export function attemptOutcome(
  input: { attemptsBefore: number; result: AttemptResult; latencyMs: number; nowMs: number },
  policy: RetryPolicy,
  random: () => number = Math.random,
): AttemptOutcome {
  const { result, nowMs } = input;
  const attemptsMade = input.attemptsBefore + 1;
  const base = { httpStatus: result.httpStatus, latencyMs: input.latencyMs, error: result.error, nowMs };
  if (result.error === null) return { ...base, status: 'succeeded', nextAttemptMs: nowMs };
  if (result.isRefused) return { ...base, status: 'failed', nextAttemptMs: nowMs };
  if (attemptsMade >= policy.maxAttempts) return { ...base, status: 'dead', nextAttemptMs: nowMs };
  return { ...base, status: 'pending', nextAttemptMs: nowMs + retryDelayMs(attemptsMade, policy, random) };
}
