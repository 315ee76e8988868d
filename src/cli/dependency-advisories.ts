import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CataloguedFindingId, Finding } from '../config/index.js';
import { counted } from './output.js';

export interface AdvisoryOptions {
  /** Folder holding package.json and a lockfile; defaults to Bulwark's own install. */
  cwd?: string;
  /** Registry to ask instead of the default (a mirror, or a local stand-in in tests). */
  registry?: string | undefined;
  timeoutMs?: number;
}

type Counts = Record<'critical' | 'high' | 'moderate' | 'low' | 'info', number>;

export type AdvisoryResult =
  | { checked: true; counts: Counts }
  | { checked: false; reason: string; isLockfileMissing?: boolean };

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** npm audit usually answers in a second or two; past this the service is treated as unreachable. */
const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The lockfiles npm audit reads, in npm's own order of preference: an installed copy of Bulwark
 * has the npm-shrinkwrap.json it was packed with (see scripts/write-shrinkwrap.mjs), a checkout
 * has package-lock.json.
 */
export const LOCKFILES = ['npm-shrinkwrap.json', 'package-lock.json'] as const;

/** The lockfile npm audit will read in `root`, or null when there is none. */
export function findLockfile(root: string): (typeof LOCKFILES)[number] | null {
  return LOCKFILES.find((name) => existsSync(join(root, name))) ?? null;
}

/** Asks npm's advisory service about the production dependencies; never throws. */
export function checkDependencyAdvisories(options: AdvisoryOptions = {}): Promise<AdvisoryResult> {
  const root = options.cwd ?? PACKAGE_ROOT;
  if (findLockfile(root) === null) {
    // Without a lockfile npm audit has no tree to ask about (ENOLOCK): say so plainly.
    return Promise.resolve({
      checked: false,
      reason: `no ${LOCKFILES.join(' or ')} in ${root}`,
      isLockfileMissing: true,
    });
  }
  const args = ['audit', '--omit=dev', '--json', ...(options.registry ? ['--registry', options.registry] : [])];
  return new Promise((resolve) => {
    execFile(
      'npm',
      args,
      {
        cwd: root,
        timeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        maxBuffer: 32 * 1024 * 1024,
      },
      (error, stdout) => resolve(parseAuditOutput(stdout, error)),
    );
  });
}

export function parseAuditOutput(stdout: string, error: Error | null): AdvisoryResult {
  try {
    // npm 11 reports a failed advisory request as { message, statusCode?, error: { summary: '', detail: '' } }:
    // the reason is in the top-level message, and summary is only filled for other errors (e.g. ENOLOCK).
    const report = JSON.parse(stdout) as {
      metadata?: { vulnerabilities?: Partial<Counts> };
      message?: string;
      error?: { summary?: string };
    };
    const counts = report.metadata?.vulnerabilities;
    if (counts) {
      return {
        checked: true,
        counts: {
          critical: counts.critical ?? 0,
          high: counts.high ?? 0,
          moderate: counts.moderate ?? 0,
          low: counts.low ?? 0,
          info: counts.info ?? 0,
        },
      };
    }
    return { checked: false, reason: firstLine(report.error?.summary) || firstLine(report.message) || 'no report' };
  } catch {
    return { checked: false, reason: error?.message.split('\n')[0] ?? 'npm audit gave no report' };
  }
}

function firstLine(text: unknown): string {
  return typeof text === 'string' ? (text.split('\n')[0]?.trim() ?? '') : '';
}

/** Unreachable advisories are a finding, never a silent pass. */
export function advisoryFindings(result: AdvisoryResult): Finding[] {
  if (!result.checked) {
    return [
      {
        id: 'advisories-not-checked' satisfies CataloguedFindingId,
        severity: 'medium',
        message: `dependency advisories not checked (${result.reason})`,
        fix: result.isLockfileMissing
          ? 'install Bulwark from its package (it ships npm-shrinkwrap.json), or run `npm install` in a checkout'
          : 'run `bulwark audit` where the npm registry is reachable, or pass --advisory-registry',
      },
    ];
  }
  const { critical, high, moderate } = result.counts;
  const findings: Finding[] = [];
  if (critical + high > 0) {
    findings.push({
      id: 'vulnerable-dependencies' satisfies CataloguedFindingId,
      severity: 'high',
      message: `installed dependencies have ${counted(critical + high, 'critical or high advisory', 'critical or high advisories')} (${critical} critical, ${high} high)`,
      fix: 'upgrade Bulwark, or run `npm audit` in its folder to see and fix them',
    });
  }
  if (moderate > 0) {
    findings.push({
      id: 'moderate-dependency-advisories' satisfies CataloguedFindingId,
      severity: 'medium',
      message: `installed dependencies have ${counted(moderate, 'moderate advisory', 'moderate advisories')}`,
      fix: 'run `npm audit` in the Bulwark folder and upgrade what it names',
    });
  }
  return findings;
}
