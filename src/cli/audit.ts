import type { Finding, Severity } from '../config/index.js';
import { gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import { DEFAULT_API_KEY_MAX_AGE_DAYS, DEPLOYMENT_CHECKS, gatherAuditFacts, runAuditChecks } from './audit/index.js';
import { advisoryFindings, checkDependencyAdvisories } from './dependency-advisories.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { CliError, EXIT_FINDINGS, formatTable, type Output } from './output.js';

export interface AuditFlags extends CommonFlags {
  json?: boolean;
  advisoryRegistry?: string;
  apiKeyMaxAgeDays?: string;
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/**
 * `bulwark audit`: the same named checks `serve` runs, the deployment around them (file modes,
 * certificate, the running server's flags and sockets, administrators and API keys, Node.js's
 * end of life) and dependency advisories. Exit 1 when any finding is high.
 */
export async function runAudit(flags: AuditFlags, out: Output, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const apiKeyMaxAgeDays = parseDays(flags.apiKeyMaxAgeDays);
  const config = loadCliConfig(flags, env);
  const nowMs = Date.now();
  const facts = await gatherAuditFacts(config, {
    nowMs,
    auditor: { args: process.execArgv, nodeOptions: env.NODE_OPTIONS },
    apiKeyMaxAgeDays,
  });
  const findings = [
    ...runConfigChecks(config, gatherDeploymentFacts(config, nowMs)),
    ...runAuditChecks(DEPLOYMENT_CHECKS, facts),
    ...advisoryFindings(await checkDependencyAdvisories({ registry: flags.advisoryRegistry })),
  ].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  report(findings, flags.json === true, out);
  return findings.some((finding) => finding.severity === 'high') ? EXIT_FINDINGS : 0;
}

function report(findings: Finding[], asJson: boolean, out: Output): void {
  const hasHigh = findings.some((finding) => finding.severity === 'high');
  if (asJson) {
    out.line(JSON.stringify({ findings, ok: !hasHigh }, null, 2));
  } else if (findings.length === 0) {
    out.line('no findings');
  } else {
    out.line(
      formatTable(
        ['severity', 'check', 'finding', 'fix'],
        findings.map((f) => [f.severity, f.id, f.message, f.fix]),
      ),
    );
  }
}

function parseDays(text: string | undefined): number {
  if (text === undefined) return DEFAULT_API_KEY_MAX_AGE_DAYS;
  if (!/^\d{1,4}$/.test(text) || Number(text) < 1) {
    throw new CliError(
      `--api-key-max-age-days must be a whole number of days from 1 to 9999, not "${text}"; fix: e.g. --api-key-max-age-days 90`,
    );
  }
  return Number(text);
}
