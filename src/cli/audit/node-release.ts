/**
 * When each Node.js major line stops getting security fixes, from the Node.js release schedule
 * (https://github.com/nodejs/Release#release-schedule). Written on NODE_RELEASES_AS_OF: a major
 * released after that date is unknown here and judged supported; an unknown older one is not.
 * Update the table when a new line reaches LTS.
 */
export const NODE_RELEASES_AS_OF = '2026-12-05';

export const NODE_END_OF_LIFE: Readonly<Record<number, string>> = {
  18: '2025-04-30',
  19: '2023-06-01',
  20: '2026-04-30',
  21: '2024-06-01',
  22: '2027-04-30',
  23: '2025-06-01',
  24: '2028-04-30',
};

/** Warn this long before the end of life: about one upgrade cycle of a careful operator. */
export const NODE_EOL_WARNING_DAYS = 90;

export type NodeSupport =
  | { state: 'supported'; major: number; endOfLife: string | undefined }
  | { state: 'end-of-life'; major: number; endOfLife: string }
  | { state: 'unknown-older'; major: number };

/** Judges a `process.version` string (`v20.19.0`) against the table at `nowMs`. */
export function judgeNodeVersion(version: string, nowMs: number): NodeSupport {
  const major = Number(/^v?(\d+)\./.exec(version)?.[1] ?? Number.NaN);
  const known = Object.keys(NODE_END_OF_LIFE).map(Number);
  const endOfLife = NODE_END_OF_LIFE[major];
  if (endOfLife === undefined) {
    return major > Math.max(...known)
      ? { state: 'supported', major, endOfLife: undefined }
      : { state: 'unknown-older', major };
  }
  return Date.parse(`${endOfLife}T00:00:00Z`) <= nowMs
    ? { state: 'end-of-life', major, endOfLife }
    : { state: 'supported', major, endOfLife };
}
