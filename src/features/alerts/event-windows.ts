/**
 * Counters over a trailing time window, kept in memory by each instance. Memory stays bounded
 * under attack: counts live in one bucket per minute, and a distinct-key window holds at most
 * `maxKeys` keys (past that it reports `maxKeys`, which is over any sane threshold).
 */

const MINUTE_MS = 60_000;

/** Events counted per minute over the last `windowMs`. */
export function createCountWindow(windowMs: number) {
  const buckets = new Map<number, number>();
  const prune = (nowMs: number) => {
    const oldest = Math.floor((nowMs - windowMs) / MINUTE_MS);
    for (const minute of buckets.keys()) if (minute <= oldest) buckets.delete(minute);
  };
  return {
    add(nowMs: number, amount = 1): void {
      prune(nowMs);
      const minute = Math.floor(nowMs / MINUTE_MS);
      buckets.set(minute, (buckets.get(minute) ?? 0) + amount);
    },
    count(nowMs: number): number {
      prune(nowMs);
      let total = 0;
      for (const value of buckets.values()) total += value;
      return total;
    },
  };
}

/** Distinct keys seen within the last `windowMs`, each remembered from its latest sighting. */
export function createDistinctWindow(windowMs: number, maxKeys: number) {
  const lastSeenMs = new Map<string, number>();
  const prune = (nowMs: number) => {
    // Insertion order is refreshed on every sighting (delete + set), so the oldest come first.
    for (const [key, seenMs] of lastSeenMs) {
      if (seenMs > nowMs - windowMs) break;
      lastSeenMs.delete(key);
    }
  };
  return {
    add(key: string, nowMs: number): void {
      prune(nowMs);
      if (!lastSeenMs.has(key) && lastSeenMs.size >= maxKeys) return;
      lastSeenMs.delete(key);
      lastSeenMs.set(key, nowMs);
    },
    count(nowMs: number): number {
      prune(nowMs);
      return lastSeenMs.size;
    },
  };
}
