import { gatherDeploymentFacts, runConfigChecks } from '../config/index.js';
import { advisoryFindings, checkDependencyAdvisories } from './dependency-advisories.js';
import { type CommonFlags, loadCliConfig } from './load-cli-config.js';
import { EXIT_FINDINGS, formatTable, type Output } from './output.js';

export interface AuditFlags extends CommonFlags {
  json?: boolean;
  advisoryRegistry?: string;
}

/**
 * `bulwark audit`: the same named checks `serve` runs, plus dependency advisories.
 * Exit 1 when any finding is high.
 */
export async function runAudit(flags: AuditFlags, out: Output): Promise<number> {
  const config = loadCliConfig(flags);
  const findings = [
    ...runConfigChecks(config, gatherDeploymentFacts(config)),
    ...advisoryFindings(await checkDependencyAdvisories({ registry: flags.advisoryRegistry })),
  ];
  const hasHigh = findings.some((finding) => finding.severity === 'high');
  if (flags.json) {
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
  return hasHigh ? EXIT_FINDINGS : 0;
}
