import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliError, EXIT_FINDINGS, type Output } from './output.js';
import { startProgress } from './progress.js';
import { runScan, TargetUnreachableError } from './scan/run-scan.js';
import { formatScanTable, toScanJson, toScanSarif } from './scan/scan-report.js';

export interface ScanFlags {
  json?: boolean;
  sarif?: boolean;
  maxRequests?: string;
  timeout?: string;
  rate?: string;
  ca?: string;
  checkSignIn?: string;
  signInAttempts?: string;
  signInField?: string;
}

/** A body this large is more than any check needs to judge; the rest is never read. */
const MAX_RESPONSE_BYTES = 256 * 1024;

/**
 * `bulwark scan URL`: a black-box scan of one origin. Exit 1 on any high finding, 2 on a usage
 * error or an unreachable target.
 */
export async function runScanCommand(url: string, flags: ScanFlags, out: Output): Promise<number> {
  const target = parseTarget(url);
  if (flags.json && flags.sarif) throw new CliError('--json and --sarif exclude each other; fix: pick one');
  const maxRequests = integerFlag('--max-requests', flags.maxRequests, 150, 1, 10_000);
  const rate = integerFlag('--rate', flags.rate, 5, 1, 1000);
  const progress = startProgress('scan', 'requests');
  progress.setTotal(maxRequests);
  try {
    const report = await runScan({
      target,
      limits: {
        maxRequests,
        timeoutMs: integerFlag('--timeout', flags.timeout, 10, 1, 300) * 1000,
        delayMs: Math.floor(1000 / rate),
        maxResponseBytes: MAX_RESPONSE_BYTES,
      },
      ...(flags.ca ? { ca: readCa(flags.ca) } : {}),
      ...(flags.checkSignIn ? { signIn: signInOptions(flags, flags.checkSignIn) } : {}),
      onRequest: () => progress.advance(1),
    });
    progress.stop();
    if (flags.sarif) out.line(toScanSarif(report));
    else if (flags.json) out.line(toScanJson(report));
    else out.line(formatScanTable(report));
    return report.findings.some((f) => f.severity === 'high') ? EXIT_FINDINGS : 0;
  } catch (error) {
    if (!(error instanceof TargetUnreachableError)) throw error;
    throw new CliError(
      `cannot reach ${target.origin} (${error.message}); fix: check the URL and that the server is running`,
    );
  } finally {
    progress.stop();
  }
}

function parseTarget(url: string): URL {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new CliError(`"${url}" is not a URL; fix: give one like https://api.example.com/`);
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    throw new CliError(`${target.protocol} is not scanned; fix: give an http:// or https:// URL`);
  }
  if (target.username || target.password) {
    throw new CliError('the URL holds credentials; fix: give the URL without user:password@');
  }
  target.hash = '';
  return target;
}

function integerFlag(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new CliError(`${name} must be a whole number from ${min} to ${max}; fix: pass e.g. ${name} ${fallback}`);
  }
  return parsed;
}

function readCa(path: string): string {
  try {
    const pem = readFileSync(path, 'utf8');
    new X509Certificate(pem);
    return pem;
  } catch {
    throw new CliError(`--ca ${path} is not a readable PEM certificate; fix: give the CA certificate file`);
  }
}

function signInOptions(flags: ScanFlags, path: string): { path: string; attempts: number; userField: string } {
  if (!path.startsWith('/') || path.startsWith('//')) {
    throw new CliError(`--check-sign-in ${path} is not a path on the target; fix: give one like /api/auth/login`);
  }
  const userField = flags.signInField ?? 'email';
  if (!/^[\w.-]{1,64}$/.test(userField)) {
    throw new CliError('--sign-in-field must be a plain field name; fix: pass e.g. --sign-in-field username');
  }
  return { path, attempts: integerFlag('--sign-in-attempts', flags.signInAttempts, 30, 1, 100), userField };
}
