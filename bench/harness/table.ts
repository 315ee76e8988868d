import { ratioOf, roundRatios, type SideSummary } from './rounds.js';
import type { BenchSettings } from './settings.js';

/** A target from the issue and whether this run met it (printed, never asserted). */
export interface Target {
  text: string;
  met: boolean;
}

export function atLeast(value: number, minimum: number, label = ''): Target {
  return { text: `${label}≥ ${minimum.toFixed(2)}`, met: value >= minimum };
}

export function below(value: number, limit: number, label: string): Target {
  return { text: `${label} < ${limit}`, met: value < limit };
}

export interface TableRow {
  name: string;
  requestsPerSecond: number;
  p99Ms?: number;
  non2xx?: number;
  cpuMicrosPerRequest?: number;
  loopDelayP99Ms?: number;
  ratio?: number;
  /** What the ratio is against. */
  against?: string;
  targets?: Target[];
  /** Answers by status code over the rounds; any other than 2xx is listed under the table. */
  statuses?: Record<string, number>;
  errors?: number;
  /** The ratio in each round, listed under the table to show how far the rounds agree. */
  roundRatios?: number[];
}

/** A measured side as a row; add `ratio`, `against` and `targets` for a compared one. */
export function rowOf(summary: SideSummary, extra: Partial<TableRow> = {}): TableRow {
  return {
    name: summary.name,
    requestsPerSecond: summary.requestsPerSecond,
    p99Ms: summary.p99Ms,
    non2xx: summary.non2xx,
    statuses: summary.statuses,
    errors: summary.errors,
    cpuMicrosPerRequest: summary.cpuMicrosPerRequest,
    loopDelayP99Ms: summary.loopDelayP99Ms,
    ...extra,
  };
}

/** `side` against `baseline` of the same run, with the minimum ratio as its target. */
export function comparedRow(side: SideSummary, baseline: SideSummary, minimum: number): TableRow {
  const ratio = ratioOf(side, baseline);
  return rowOf(side, {
    ratio,
    against: baseline.name,
    targets: [atLeast(ratio, minimum)],
    roundRatios: roundRatios(side, baseline),
  });
}

const COLUMNS: Array<{ title: string; align: 'left' | 'right'; cell: (row: TableRow) => string }> = [
  { title: 'side', align: 'left', cell: (row) => row.name },
  { title: 'req/s', align: 'right', cell: (row) => row.requestsPerSecond.toFixed(row.requestsPerSecond < 100 ? 1 : 0) },
  { title: 'p99 ms', align: 'right', cell: (row) => row.p99Ms?.toFixed(1) ?? '' },
  { title: 'non-2xx', align: 'right', cell: (row) => (row.non2xx === undefined ? '' : String(row.non2xx)) },
  { title: 'cpu µs/req', align: 'right', cell: (row) => row.cpuMicrosPerRequest?.toFixed(0) ?? '' },
  { title: 'loop p99 ms', align: 'right', cell: (row) => row.loopDelayP99Ms?.toFixed(1) ?? '' },
  { title: 'ratio', align: 'right', cell: (row) => row.ratio?.toFixed(2) ?? '' },
  { title: 'against', align: 'left', cell: (row) => row.against ?? '' },
  {
    title: 'target',
    align: 'left',
    cell: (row) => (row.targets ?? []).map((t) => `${t.text} ${t.met ? 'met' : 'NOT MET'}`).join('; '),
  },
];

/** A row's answers that are not 2xx, and its connection errors: they make its req/s meaningless. */
function failures(row: TableRow): string[] {
  const bad = Object.entries(row.statuses ?? {}).filter(([status]) => !status.startsWith('2'));
  const parts = [
    ...bad.map(([status, count]) => `${count}× ${status}`),
    ...(row.errors ? [`${row.errors} connection errors`] : []),
  ];
  return parts.length > 0 ? [`  ${row.name}: ${parts.join(', ')} (fix before reading its req/s)`] : [];
}

/** The lines under a title that say how the sides were measured; the same for every bench. */
export function howMeasured(settings: BenchSettings): string[] {
  return [
    `${settings.connections} connections, ${settings.warmupSeconds}s warm-up per side, ${settings.rounds} rounds of ` +
      `${settings.seconds}s per side in alternating order; load from a separate process;`,
    'medians over the rounds; ratio = median of the per-round ratios; cpu and loop = the server process only',
  ];
}

/** The one table every throughput benchmark prints: a title, notes, then aligned columns. */
export function formatTable(title: string, notes: readonly string[], rows: readonly TableRow[]): string {
  const cells = rows.map((row) => COLUMNS.map((column) => column.cell(row)));
  const widths = COLUMNS.map((column, i) =>
    Math.max(column.title.length, ...cells.map((line) => line[i]?.length ?? 0)),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (COLUMNS[i]?.align === 'left' ? value.padEnd(widths[i] ?? 0) : value.padStart(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [
    title,
    ...notes.map((note) => `  ${note}`),
    line(COLUMNS.map((c) => c.title)),
    ...cells.map(line),
    ...rows.flatMap((row) =>
      row.roundRatios ? [`  ${row.name}: ratio per round ${row.roundRatios.map((r) => r.toFixed(2)).join(', ')}`] : [],
    ),
    ...rows.flatMap(failures),
    '',
  ].join('\n');
}

export function printTable(title: string, notes: readonly string[], rows: readonly TableRow[]): void {
  process.stdout.write(`${formatTable(title, notes, rows)}\n`);
}
