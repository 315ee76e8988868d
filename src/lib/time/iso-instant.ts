/** An instant: a date, a time and a zone (`Z` or an offset), so no one's local clock is guessed. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Milliseconds since the epoch of an ISO-8601 instant, or null for anything else (a date
 * without a zone, `2026-02-30T00:00Z`, free text).
 *
 * @example
 * parseIsoInstant('2026-12-05T10:00:00Z') // 1796551200000
 */
export function parseIsoInstant(text: string): number | null {
  if (!ISO_INSTANT.test(text)) return null;
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) return null;
  // Date.parse rolls 30 February over into March; a date that does not exist is refused.
  const [year, month, day] = text.slice(0, 10).split('-').map(Number);
  const zoneFree = new Date(Date.UTC(year ?? 0, (month ?? 1) - 1, day ?? 0));
  return zoneFree.getUTCDate() === day && zoneFree.getUTCMonth() === (month ?? 1) - 1 ? ms : null;
}
