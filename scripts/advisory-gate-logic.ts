/** A known advisory accepted for a while, with the reason; expired exceptions stop counting. */
export interface AdvisoryException {
  /** Advisory URL (https://github.com/advisories/GHSA-...) as npm audit reports it. */
  advisory: string;
  package: string;
  reason: string;
  /** ISO date after which the exception no longer applies. */
  expires: string;
}

interface AuditVia {
  source?: number;
  url?: string;
  title?: string;
  severity?: string;
}

interface AuditReport {
  vulnerabilities?: Record<string, { severity: string; via: Array<AuditVia | string> }>;
  message?: string;
  error?: { summary?: string };
}

export interface GateVerdict {
  pass: boolean;
  lines: string[];
}

const BLOCKING = new Set(['high', 'critical']);

/** Pure decision of the gate, so it is testable without the network. */
export function evaluateAdvisoryGate(
  stdout: string,
  exceptions: AdvisoryException[],
  nowMs: number,
  failure?: string,
): GateVerdict {
  let report: AuditReport;
  try {
    report = JSON.parse(stdout) as AuditReport;
  } catch {
    return {
      pass: true,
      lines: [`advisory gate: advisories not checked (${firstLine(failure) ?? 'no report from npm audit'})`],
    };
  }
  if (!report.vulnerabilities) {
    const reason = firstLine(report.error?.summary) ?? firstLine(report.message) ?? 'no report';
    return { pass: true, lines: [`advisory gate: advisories not checked (${reason})`] };
  }
  const active = exceptions.filter((e) => Date.parse(e.expires) > nowMs);
  const blocking: string[] = [];
  const excepted: string[] = [];
  for (const [name, entry] of Object.entries(report.vulnerabilities)) {
    for (const via of entry.via) {
      if (typeof via === 'string' || !via.severity || !BLOCKING.has(via.severity)) continue;
      const line = `${via.severity} ${name}: ${via.title ?? 'advisory'} ${via.url ?? ''}`.trim();
      const covered = active.some((e) => e.package === name && e.advisory === via.url);
      (covered ? excepted : blocking).push(line);
    }
  }
  const lines = [
    ...blocking.map((line) => `advisory gate: FAIL ${line}`),
    ...excepted.map((line) => `advisory gate: excepted until its date in advisory-exceptions.json: ${line}`),
    `advisory gate: ${blocking.length} blocking, ${excepted.length} excepted high/critical advisories`,
  ];
  return { pass: blocking.length === 0, lines };
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.split('\n')[0]?.trim();
  return line ? line : undefined;
}
