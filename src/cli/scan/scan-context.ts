import { type Finding, finding } from './finding.js';
import type { ScanClient } from './scan-client.js';

/** What every check gets: the bounded client, the options that concern it, and where to report. */
export interface ScanContext {
  client: ScanClient;
  /** The URL the operator gave (its path is the "base path" of the checks). */
  target: URL;
  /** A random label unique to this scan, for marker hosts and headers the scanner looks for in answers. */
  marker: string;
  /** Extra trusted CA certificate(s), PEM, from --ca. */
  ca?: string;
  timeoutMs: number;
  signIn?: { path: string; attempts: number; userField: string };
  findings: Finding[];
  /** What could not be checked, and why: never reported as clean. */
  notes: string[];
}

/** Reports a finding of a rule. */
export function report(context: ScanContext, ...args: Parameters<typeof finding>): void {
  context.findings.push(finding(...args));
}

/** The path and query of the target URL, where header, CORS and method checks look. */
export function basePath(context: ScanContext): string {
  return `${context.target.pathname}${context.target.search}`;
}
