/**
 * Thins out repetitive audit events (denied reads) so that someone probing ids cannot flood the
 * audit log: at most `perWindow` events per key per window; the ones held back are counted and
 * reported with the next event that goes through. Per instance and in memory: the audit log is
 * evidence, not a counter, and each instance still records the first events of every burst.
 */
export function createAuditThinner(options: { perWindow: number; windowMs: number; maxKeys?: number }) {
  const windows = new Map<string, { startMs: number; count: number; held: number }>();
  const maxKeys = options.maxKeys ?? 10_000;

  return {
    /** Whether to record an event for `key` now, and how many were held back since the last. */
    admit(key: string, nowMs: number): { record: boolean; heldBack: number } {
      let entry = windows.get(key);
      if (!entry || nowMs - entry.startMs >= options.windowMs) {
        const heldBack = entry?.held ?? 0;
        if (!entry && windows.size >= maxKeys) windows.delete(windows.keys().next().value as string);
        entry = { startMs: nowMs, count: 0, held: 0 };
        windows.set(key, entry);
        entry.count = 1;
        return { record: true, heldBack };
      }
      if (entry.count < options.perWindow) {
        entry.count += 1;
        const heldBack = entry.held;
        entry.held = 0;
        return { record: true, heldBack };
      }
      entry.held += 1;
      return { record: false, heldBack: 0 };
    },
  };
}
