import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { METRIC_NAMES } from '../../src/features/ops/metric-names.js';
import { defaultMetricNames, expressionProblems, expressionRefs, specFor } from '../helpers/promql-series.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

/**
 * deploy/grafana/bulwark-dashboard.json as an operator imports it: valid JSON, every query on
 * the Prometheus data source the importer picks, and every series and label a query or legend
 * names is one GET /metrics exports (METRIC_NAMES, or prom-client's defaults), so no panel
 * stays empty because of a misspelt name.
 */
const DASHBOARD_FILE = join(REPO_ROOT, 'deploy/grafana/bulwark-dashboard.json');
/** Grafana's reference to the dashboard's data-source variable, spelled as Grafana stores it. */
const DATASOURCE_VARIABLE = ['$', '{datasource}'].join('');

interface Target {
  expr: string;
  legendFormat?: string;
  datasource?: { type: string; uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  targets?: Target[];
  panels?: Panel[];
  gridPos?: { h: number; w: number; x: number; y: number };
}

function loadDashboard(): {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string }> };
} {
  return JSON.parse(readFileSync(DASHBOARD_FILE, 'utf8'));
}

const allPanels = (panels: Panel[]): Panel[] => panels.flatMap((panel) => [panel, ...allPanels(panel.panels ?? [])]);
const dashboard = loadDashboard();
const panels = allPanels(dashboard.panels);
const targets = panels.flatMap((panel) => (panel.targets ?? []).map((target) => ({ panel: panel.title, ...target })));

describe('Grafana dashboard', () => {
  it('is valid JSON with a stable uid, unique panel ids and a place for every panel', () => {
    expect(() => loadDashboard()).not.toThrow();
    expect(dashboard.uid).toBe('bulwark-overview');
    const ids = panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of panels) expect(panel.gridPos, panel.title).toBeDefined();
  });

  it('queries the Prometheus data source chosen on import, never a fixed one', () => {
    expect(dashboard.templating.list.map((variable) => variable.name)).toContain('datasource');
    expect(targets.length).toBeGreaterThan(20);
    for (const target of targets)
      expect(target.datasource, target.panel).toEqual({ type: 'prometheus', uid: DATASOURCE_VARIABLE });
  });

  it('names only series and labels GET /metrics exports', async () => {
    const defaults = await defaultMetricNames();
    expect(targets.flatMap((target) => expressionProblems(target.expr, defaults))).toEqual([]);
  });

  it('uses in legends only labels its query keeps', () => {
    const problems = targets.flatMap((target) => {
      const used = [...(target.legendFormat ?? '').matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1] as string);
      const refs = expressionRefs(target.expr);
      const labels = new Set([
        ...refs.series.flatMap((ref) => specFor(ref.name)?.labels ?? []),
        ...refs.groupingLabels,
      ]);
      return used.filter((label) => !labels.has(label)).map((label) => `${target.panel}: {{${label}}}`);
    });
    expect(problems).toEqual([]);
  });

  it('shows every series of the metrics contract', () => {
    const shown = new Set(
      targets.flatMap((target) => expressionRefs(target.expr).series.map((ref) => ref.name.replace(/_bucket$/, ''))),
    );
    expect(Object.keys(METRIC_NAMES).filter((name) => !shown.has(name))).toEqual([]);
  });
});
