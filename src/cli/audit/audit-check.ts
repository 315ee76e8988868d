import type { CataloguedFindingId, Finding, FrozenConfig, Severity } from '../../config/index.js';
import type { AccountFacts } from './account-facts.js';
import type { CertificateFacts } from './certificate-facts.js';
import type { ExposedPath } from './data-file-facts.js';
import type { NodeLaunch, RunningServer } from './running-server.js';

/**
 * Everything `bulwark audit` knows about a deployment beyond its configuration, gathered once
 * (files, certificate, processes, database) so every check below is a pure function of it.
 */
export interface AuditFacts {
  config: FrozenConfig;
  nowMs: number;
  /** `process.version` of the Node.js running the audit, e.g. `v22.12.0`. */
  nodeVersion: string;
  /** The configured certificate; `unreadable` when tls.cert is set but cannot be parsed. */
  certificate: CertificateFacts | 'unreadable' | undefined;
  /** Entries under the data folder that its group or other users can reach. */
  exposedDataPaths: readonly ExposedPath[];
  /** How the audit itself was started: its flags and NODE_OPTIONS are what a server started alike would inherit. */
  auditor: NodeLaunch;
  server: RunningServer;
  accounts: AccountFacts;
  /** An active API key older than this has gone too long without rotation. */
  apiKeyMaxAgeDays: number;
}

/**
 * A named deployment check: `describe` returns the finding's message when the problem is
 * present (naming what it found), or null. The same shape as config/checks.ts, with a message
 * that can name the file, flag or account it is about.
 */
export interface AuditCheck {
  /** Described in FINDINGS (src/config/finding-catalogue.ts), which docs/findings.md is made from. */
  id: CataloguedFindingId;
  severity: Severity;
  describe: (facts: AuditFacts) => string | null;
  fix: string | ((facts: AuditFacts) => string);
}

/** Runs the checks over the facts; findings in the checks' order. */
export function runAuditChecks(checks: readonly AuditCheck[], facts: AuditFacts): Finding[] {
  const findings: Finding[] = [];
  for (const check of checks) {
    const message = check.describe(facts);
    if (message === null) continue;
    const fix = typeof check.fix === 'string' ? check.fix : check.fix(facts);
    findings.push({ id: check.id, severity: check.severity, message, fix });
  }
  return findings;
}

export const DAY_MS = 86_400_000;

/** "a, b, c and 4 more": names enough for an operator to act on without flooding a table cell. */
export function listSome(items: readonly string[], shown = 3): string {
  const head = items.slice(0, shown).join(', ');
  return items.length > shown ? `${head} and ${items.length - shown} more` : head;
}
