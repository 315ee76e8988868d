import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { hash as argon2Hash, argon2id, needsRehash as argon2NeedsRehash, verify as argon2Verify } from 'argon2';
import { createConcurrencyGate } from '../../../lib/async/concurrency-gate.js';
import { normalizePassword } from './normalize-password.js';

/** Argon2id cost parameters. */
export interface Argon2Params {
  /** Memory per hash in KiB (argon2 `m`). */
  memoryKiB: number;
  /** Passes over the memory (argon2 `t`). */
  iterations: number;
  /** Lanes (argon2 `p`). */
  parallelism: number;
}

/**
 * OWASP Password Storage Cheat Sheet, argon2id: 19 MiB of memory, 2 iterations, 1 lane. The
 * smallest memory setting OWASP lists; 35–50 ms per hash on one core of the development
 * machine, run on libuv's thread pool so the event loop stays free.
 */
export const OWASP_ARGON2_PARAMS: Readonly<Argon2Params> = Object.freeze({
  memoryKiB: 19456,
  iterations: 2,
  parallelism: 1,
});

/** The outcome of checking a password against a stored hash. */
export interface PasswordCheck {
  ok: boolean;
  /** True when the password matched but the hash was made with other parameters: store `hash(password)` again. */
  needsRehash: boolean;
}

/** Hashes and verifies passwords with argon2id; passwords are NFKC-normalised first. */
export interface PasswordHasher {
  /** An encoded PHC string (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`) with a fresh 16-byte salt. */
  hash(password: string): Promise<string>;
  /**
   * Checks `password` against `storedHash`. Pass `null` for an unknown account: the same work is
   * done against a dummy hash, so response time does not tell which accounts exist. Never
   * throws; a malformed stored hash gives `{ ok: false }`.
   */
  verify(storedHash: string | null, password: string): Promise<PasswordCheck>;
}

const REJECTED: PasswordCheck = Object.freeze({ ok: false, needsRehash: false });

/** Refuses parameters argon2 would reject or that give no protection, when the hasher is built. */
function assertValidParams(params: Argon2Params): void {
  const { memoryKiB, iterations, parallelism } = params;
  const isPositiveInteger = (value: number) => Number.isSafeInteger(value) && value >= 1;
  if (![memoryKiB, iterations, parallelism].every(isPositiveInteger) || memoryKiB < 8 * parallelism) {
    throw new RangeError(
      `Invalid argon2 parameters m=${memoryKiB}, t=${iterations}, p=${parallelism}: use positive integers with memoryKiB ≥ 8 × parallelism.`,
    );
  }
}

/**
 * Builds a hasher for the given cost. Invalid parameters throw here, at build time, never per
 * request. A dummy hash for unknown accounts is computed right away in the background.
 *
 * @example
 * const hasher = createPasswordHasher(OWASP_ARGON2_PARAMS);
 * const stored = await hasher.hash('correct horse battery staple');
 * const { ok, needsRehash } = await hasher.verify(stored, 'correct horse battery staple');
 */
export function createPasswordHasher(
  params: Argon2Params,
  maxConcurrentHashes: number = availableParallelism(),
): PasswordHasher {
  assertValidParams(params);
  // At most one hash per core at once. libuv's pool has 4 threads: on 2 cores, 4 hashes of
  // 19 MiB each compete with the event loop for a core and with each other for the cache, and
  // take every pool thread from the log's writes, file reads and DNS lookups. The rest wait
  // here, in arrival order; an unknown account's dummy verification waits in the same line, so
  // the timing stays equal.
  const gate = createConcurrencyGate(maxConcurrentHashes);
  const options = {
    type: argon2id,
    memoryCost: params.memoryKiB,
    timeCost: params.iterations,
    parallelism: params.parallelism,
  } as const;
  const hash = (password: string) => gate(() => argon2Hash(normalizePassword(password), options));
  // Made from a random password nobody knows, with the same parameters as real hashes, so a
  // verification against it costs exactly what a real one does.
  const dummyHash = hash(randomBytes(32).toString('base64url'));
  dummyHash.catch(() => undefined); // failure surfaces on first use; never an unhandled rejection

  async function verify(storedHash: string | null, password: string): Promise<PasswordCheck> {
    const isUnknownAccount = storedHash === null;
    try {
      const target = storedHash ?? (await dummyHash);
      const ok = (await gate(() => argon2Verify(target, normalizePassword(password)))) && !isUnknownAccount;
      if (!ok) return REJECTED;
      // argon2's needsRehash compares m, t, p and version but not the variant.
      const isStale = !target.startsWith('$argon2id$') || argon2NeedsRehash(target, options);
      return { ok: true, needsRehash: isStale };
    } catch {
      // Malformed or truncated stored hash: refuse rather than throw into the sign-in route.
      return REJECTED;
    }
  }

  return { hash, verify };
}
