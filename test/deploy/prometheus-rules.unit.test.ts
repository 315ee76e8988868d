// @module-tag slow (runs promtool, Debian's prometheus package)
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { defaultMetricNames, expressionProblems } from '../helpers/promql-series.js';
import { REPO_ROOT } from '../helpers/run-cli.js';

/**
 * deploy/prometheus/bulwark-alerts.yml as an operator loads it: promtool accepts it, its unit
 * tests pass, every alert has a firing and a quiet case that notice when the alert is broken,
 * and every series it reads is one GET /metrics exports (METRIC_NAMES).
 */
const RULES_DIR = join(REPO_ROOT, 'deploy/prometheus');
const RULES_FILE = join(RULES_DIR, 'bulwark-alerts.yml');
const TESTS_FILE = join(RULES_DIR, 'bulwark-alerts.test.yml');

interface AlertRule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
interface RulesFile {
  groups: Array<{ name: string; rules: AlertRule[] }>;
}
interface RuleTest {
  name: string;
  alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }>;
}

const rulesFile = parse(readFileSync(RULES_FILE, 'utf8')) as RulesFile;
const alerts = rulesFile.groups.flatMap((group) => group.rules);
const ruleTests = (parse(readFileSync(TESTS_FILE, 'utf8')) as { tests: RuleTest[] }).tests;

function promtool(args: string[], cwd = RULES_DIR) {
  const run = spawnSync('promtool', args, { cwd, encoding: 'utf8', timeout: 60_000 });
  if (run.error && (run.error as NodeJS.ErrnoException).code === 'ENOENT') {
    throw new Error(
      'promtool is missing: install Debian’s `prometheus` package (scripts/services.sh installs it when run as root)',
    );
  }
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** The rules file with one alert's expression replaced, and the tests beside it, in a temp folder. */
function promtoolWithMutatedAlert(scratch: string, alert: string, expr: string) {
  const mutated = structuredClone(rulesFile);
  for (const rule of mutated.groups.flatMap((group) => group.rules)) if (rule.alert === alert) rule.expr = expr;
  writeFileSync(join(scratch, 'bulwark-alerts.yml'), stringify(mutated));
  copyFileSync(TESTS_FILE, join(scratch, 'bulwark-alerts.test.yml'));
  return promtool(['test', 'rules', 'bulwark-alerts.test.yml'], scratch);
}

describe('Prometheus alert rules', () => {
  let scratch: string;
  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'bulwark-rules-'));
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('promtool check rules accepts the rules file', () => {
    const run = promtool(['check', 'rules', RULES_FILE]);
    expect(run.output).toContain(`SUCCESS: ${alerts.length} rules found`);
    expect(run.status, run.output).toBe(0);
  });

  it('promtool test rules passes every unit test of the rules', () => {
    const run = promtool(['test', 'rules', TESTS_FILE]);
    expect(run.status, run.output).toBe(0);
    expect(run.output).toContain('SUCCESS');
  });

  it('ships the alerts the operator is promised', () => {
    expect(alerts.map((rule) => rule.alert).sort()).toEqual(
      [
        'BulwarkAuditChainBroken',
        'BulwarkBanWave',
        'BulwarkCertificateExpiringSoon',
        'BulwarkCredentialStuffing',
        'BulwarkDatabaseDown',
        'BulwarkHighErrorRate',
        'BulwarkNoSuccessfulSignIns',
        'BulwarkRedisDown',
        'BulwarkRuleDenialSpike',
        'BulwarkSignInFailureSpike',
      ].sort(),
    );
  });

  it.each(alerts.map((rule) => [rule.alert, rule] as const))(
    '%s waits (for:), has a severity and tells the operator what to do',
    (_name, rule) => {
      expect(rule.for).toMatch(/^\d+[smh]$/);
      expect(['warning', 'critical']).toContain(rule.labels?.severity);
      expect(rule.annotations?.summary?.length).toBeGreaterThan(10);
      expect(rule.annotations?.description?.length).toBeGreaterThan(40);
    },
  );

  it('every expression reads only series and labels GET /metrics exports', async () => {
    const defaults = await defaultMetricNames();
    expect(alerts.flatMap((rule) => expressionProblems(rule.expr, defaults))).toEqual([]);
  });

  it.each(alerts.map((rule) => [rule.alert] as const))(
    '%s has a unit test where it fires and one where it stays quiet',
    (alert) => {
      const cases = ruleTests.flatMap((test) => test.alert_rule_test ?? []).filter((c) => c.alertname === alert);
      expect(
        cases.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert} never fires in a test`,
      ).toBe(true);
      expect(
        cases.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert} never stays quiet in a test`,
      ).toBe(true);
    },
  );

  it('the unit tests name only alerts the rules file has', () => {
    const names = new Set(alerts.map((rule) => rule.alert));
    const tested = ruleTests.flatMap((test) => test.alert_rule_test ?? []).map((c) => c.alertname);
    expect(tested.filter((name) => !names.has(name))).toEqual([]);
  });

  // The unit tests must notice a broken rule: one that never fires, and one that always does.
  it.each(alerts.map((rule) => [rule.alert] as const))('the unit tests fail when %s never fires', (alert) => {
    const run = promtoolWithMutatedAlert(scratch, alert, 'vector(0) > 1');
    expect(run.status, run.output).not.toBe(0);
    expect(run.output).toContain(`alertname: ${alert}`);
  });

  it.each(alerts.map((rule) => [rule.alert] as const))('the unit tests fail when %s always fires', (alert) => {
    const run = promtoolWithMutatedAlert(scratch, alert, 'vector(1)');
    expect(run.status, run.output).not.toBe(0);
    expect(run.output).toContain(`alertname: ${alert}`);
  });
});
