import { collectDefaultMetrics, Registry } from 'prom-client';
import { METRIC_NAMES, type MetricSpec } from '../../src/features/ops/metric-names.js';

/** A series an expression reads, with the labels its `{…}` matchers name. */
export interface SeriesRef {
  name: string;
  matcherLabels: string[];
}

/** What a PromQL expression refers to: series, and labels named by `by`/`without`/`on`/…. */
export interface ExpressionRefs {
  series: SeriesRef[];
  groupingLabels: string[];
}

/** PromQL words that are neither series nor functions. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan', 'atan2']);
const IDENTIFIER = /[a-zA-Z_:][a-zA-Z0-9_:]*/g;
const SELECTOR = /([a-zA-Z_:][a-zA-Z0-9_:]*)?\s*\{([^}]*)\}/g;
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const MATCHER_LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g;
const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'] as const;

/**
 * The series and labels a PromQL expression (or a Grafana target, `$__rate_interval` and all)
 * names. Enough of PromQL for the rules and the dashboard we ship: selectors, ranges,
 * functions, aggregations with `by`/`without`, vector matching and binary operators.
 */
export function expressionRefs(expression: string): ExpressionRefs {
  const series: SeriesRef[] = [];
  const groupingLabels: string[] = [];
  let rest = expression.replace(/\[[^\]]*\]/g, ' ');
  rest = rest.replace(GROUPING, (_match, labels: string) => {
    groupingLabels.push(...splitLabels(labels));
    return ' ';
  });
  rest = rest.replace(SELECTOR, (_match, name: string | undefined, body: string) => {
    const matcherLabels = [...body.matchAll(MATCHER_LABEL)].map((match) => match[1] as string);
    const nameMatcher = /__name__\s*=\s*"([^"]*)"/.exec(body)?.[1];
    series.push({ name: name ?? nameMatcher ?? '', matcherLabels: matcherLabels.filter((l) => l !== '__name__') });
    return ' ';
  });
  rest = rest.replace(/"[^"]*"/g, ' ');
  for (const match of rest.matchAll(IDENTIFIER)) {
    const word = match[0];
    const after = rest.slice((match.index ?? 0) + word.length).trimStart();
    if (after.startsWith('(') || KEYWORDS.has(word.toLowerCase())) continue;
    series.push({ name: word, matcherLabels: [] });
  }
  return { series, groupingLabels };
}

function splitLabels(list: string): string[] {
  return list
    .split(',')
    .map((label) => label.trim())
    .filter(Boolean);
}

/** The series prom-client's default metrics export (`process_*`, `nodejs_*`), as this version names them. */
export async function defaultMetricNames(): Promise<Set<string>> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const names = new Set<string>();
  for (const metric of await registry.getMetricsAsJSON()) {
    names.add(metric.name);
    if (String(metric.type) === 'histogram')
      for (const suffix of HISTOGRAM_SUFFIXES) names.add(`${metric.name}${suffix}`);
  }
  registry.clear();
  return names;
}

/** `METRIC_NAMES`' spec for a series name, histogram `_bucket`/`_sum`/`_count` included (`le` added to buckets). */
export function specFor(name: string): MetricSpec | undefined {
  const specs: Record<string, MetricSpec> = METRIC_NAMES;
  const direct = specs[name];
  if (direct) return direct;
  for (const suffix of HISTOGRAM_SUFFIXES) {
    const base = name.endsWith(suffix) ? specs[name.slice(0, -suffix.length)] : undefined;
    if (base?.type === 'histogram') return suffix === '_bucket' ? { ...base, labels: [...base.labels, 'le'] } : base;
  }
  return undefined;
}

/**
 * Problems with one expression: a series that is neither in METRIC_NAMES nor a prom-client
 * default, a matcher label the series does not have, or a grouping label none of its series has.
 */
export function expressionProblems(expression: string, defaults: Set<string>): string[] {
  const refs = expressionRefs(expression);
  const problems: string[] = [];
  const known = new Set<string>();
  let hasDefault = false;
  for (const ref of refs.series) {
    const spec = specFor(ref.name);
    if (!spec) {
      if (defaults.has(ref.name)) hasDefault = true;
      else problems.push(`unknown series "${ref.name}" in ${expression}`);
      continue;
    }
    for (const label of spec.labels) known.add(label);
    for (const label of ref.matcherLabels) {
      if (!spec.labels.includes(label)) problems.push(`${ref.name} has no label "${label}" (in ${expression})`);
    }
  }
  if (!hasDefault) {
    for (const label of refs.groupingLabels) {
      if (!known.has(label)) problems.push(`no series in ${expression} has the label "${label}"`);
    }
  }
  if (refs.series.length === 0) problems.push(`no series in ${expression}`);
  return problems;
}
