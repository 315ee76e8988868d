import { BULWARK_VERSION } from '../../app/version.js';
import { counted, formatTable } from '../output.js';
import { clip, type Finding } from './finding.js';
import type { Severity } from './rules.js';
import { SCAN_RULES } from './rules.js';
import type { ScanReport } from './run-scan.js';

/** The terminal form: one row per finding (check, severity, finding, evidence), then the notes. */
export function formatScanTable(report: ScanReport): string {
  const lines = [`scanned ${report.target} with ${counted(report.requestsSent, 'request')}`];
  if (report.findings.length === 0) lines.push('no findings');
  else {
    lines.push(
      formatTable(
        ['check', 'severity', 'finding', 'evidence'],
        // The path only: a redirect probe's query is long; --json and --sarif keep the whole URL.
        report.findings.map((f) => [
          f.id,
          f.severity,
          f.title,
          clip(`${f.evidence} (${new URL(f.url).pathname})`, 140),
        ]),
      ),
    );
  }
  for (const note of report.notes) lines.push(`note: ${note}`);
  return lines.join('\n');
}

export function toScanJson(report: ScanReport): string {
  const ok = !report.findings.some((f) => f.severity === 'high');
  return JSON.stringify({ ...report, ok }, null, 2);
}

/** SARIF levels: error fails a code-scanning gate, warning and note do not. */
const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { high: 'error', medium: 'warning', low: 'note' };
/** GitHub code scanning ranks results by this CVSS-like score (high ≥ 7, medium ≥ 4). */
const SECURITY_SEVERITY: Record<Severity, string> = { high: '8.0', medium: '5.0', low: '3.0' };

/** SARIF 2.1.0: the tool driver lists every rule; each finding is a result located at its URL. */
export function toScanSarif(report: ScanReport): string {
  const ruleIndex = new Map(SCAN_RULES.map((rule, index) => [rule.id, index]));
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'bulwark scan',
            version: BULWARK_VERSION,
            rules: SCAN_RULES.map((rule) => ({
              id: rule.id,
              shortDescription: { text: rule.title },
              help: { text: `Fix: ${rule.fix}.` },
              defaultConfiguration: { level: SARIF_LEVEL[rule.severity] },
              properties: { tags: ['security', rule.check], 'security-severity': SECURITY_SEVERITY[rule.severity] },
            })),
          },
        },
        invocations: [
          {
            executionSuccessful: true,
            toolExecutionNotifications: report.notes.map((note) => ({ level: 'warning', message: { text: note } })),
          },
        ],
        results: report.findings.map((f: Finding) => ({
          ruleId: f.id,
          ruleIndex: ruleIndex.get(f.id),
          level: SARIF_LEVEL[f.severity],
          message: { text: `${f.title}: ${f.evidence}. Fix: ${f.fix}.` },
          locations: [{ physicalLocation: { artifactLocation: { uri: f.url } } }],
          properties: { severity: f.severity },
        })),
      },
    ],
  };
  return JSON.stringify(sarif, null, 2);
}
