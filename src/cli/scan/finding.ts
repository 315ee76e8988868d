import { type CheckFamily, type Severity, scanRule } from './rules.js';

/** One thing the scan found: a rule, where (a URL on the target) and what it saw. */
export interface Finding {
  id: string;
  check: CheckFamily;
  severity: Severity;
  title: string;
  /** What the scanner saw, short: a header, a status, the start of a body. */
  evidence: string;
  url: string;
  fix: string;
}

/** A finding of a rule, with the rule's severity unless the evidence makes it worse. */
export function finding(id: string, url: string, evidence: string, severity?: Severity): Finding {
  const rule = scanRule(id);
  return {
    id,
    check: rule.check,
    severity: severity ?? rule.severity,
    title: rule.title,
    evidence,
    url,
    fix: rule.fix,
  };
}

const SEVERITY_ORDER: Record<Severity, number> = { high: 0, medium: 1, low: 2 };

/** High first, then medium, then low; within a severity, in the order found. */
export function sortFindings(findings: readonly Finding[]): Finding[] {
  return [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
}

/** Evidence is for a table cell: one line, bounded, no control characters. */
export function clip(text: string, maxChars = 120): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips control characters from target-supplied text
  const oneLine = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
  return oneLine.length > maxChars ? `${oneLine.slice(0, maxChars - 1)}…` : oneLine;
}
