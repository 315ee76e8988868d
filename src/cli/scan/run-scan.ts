import { randomBytes } from 'node:crypto';
import { checkCookies } from './cookies-check.js';
import { checkCors } from './cors-check.js';
import { checkVerboseErrors, provokeErrors } from './errors-check.js';
import { checkExposedFiles } from './exposed-files-check.js';
import { type Finding, sortFindings } from './finding.js';
import { checkHeaders } from './headers-check.js';
import { checkMethods } from './methods-check.js';
import { checkOpenRedirects } from './redirect-check.js';
import { BudgetExhaustedError, ScanClient, type ScanLimits, type ScanResponse } from './scan-client.js';
import { basePath, type ScanContext } from './scan-context.js';
import { checkSignIn } from './sign-in-check.js';
import { checkTls, TargetUnreachableError } from './tls-check.js';

export { TargetUnreachableError };

export interface ScanOptions {
  target: URL;
  limits: ScanLimits;
  ca?: string;
  signIn?: ScanContext['signIn'];
  /** Called once per HTTP request sent (the progress bar). */
  onRequest?: () => void;
}

export interface ScanReport {
  target: string;
  findings: Finding[];
  /** What was not checked, and why. */
  notes: string[];
  requestsSent: number;
  maxRequests: number;
}

/**
 * Runs every check against one origin, in a fixed order, within the request budget. When the
 * budget runs out the remaining checks are named in the notes, never passed as clean.
 */
export async function runScan(options: ScanOptions): Promise<ScanReport> {
  const client = new ScanClient(options.target, options.limits, options.onRequest);
  const context: ScanContext = {
    client,
    target: options.target,
    marker: randomBytes(6).toString('hex'),
    timeoutMs: options.limits.timeoutMs,
    findings: [],
    notes: [],
    ...(options.ca ? { ca: options.ca } : {}),
    ...(options.signIn ? { signIn: options.signIn } : {}),
  };
  if (client.isHttps) await checkTls(context);
  const normal = await client.send({ path: basePath(context) });
  if (!normal) throw new TargetUnreachableError(client.lastFailure ?? 'no answer');

  const steps: Step[] = [
    ['security headers and error bodies', () => checkHeadersAndErrors(context, normal)],
    ['CORS', () => checkCors(context)],
    ['exposed files', () => checkExposedFiles(context, normal)],
    ['open redirects', () => checkOpenRedirects(context)],
    ['HTTP methods', () => checkMethods(context)],
  ];
  if (context.signIn) steps.push(['sign-in rate limiting', () => checkSignIn(context)]);
  await runSteps(context, steps, options.limits.maxRequests);
  if (client.unanswered.length > 0) {
    context.notes.push(
      `${client.unanswered.length} of ${client.requestsSent} requests got no answer, so what they probe was not judged (first: ${client.unanswered[0]})`,
    );
  }
  // Cookies come from every answer above: judged last, without requests of their own.
  checkCookies(context);
  return {
    target: options.target.href,
    findings: sortFindings(context.findings),
    notes: context.notes,
    requestsSent: client.requestsSent,
    maxRequests: options.limits.maxRequests,
  };
}

type Step = [label: string, run: () => Promise<void>];

/** Runs the steps in order until the budget is spent, then names the ones that did not finish. */
async function runSteps(context: ScanContext, steps: readonly Step[], maxRequests: number): Promise<void> {
  for (const [index, [, run]] of steps.entries()) {
    try {
      await run();
    } catch (error) {
      if (!(error instanceof BudgetExhaustedError)) throw error;
      const skipped = steps.slice(index).map(([label]) => label);
      context.notes.push(`request budget of ${maxRequests} spent; not (fully) checked: ${skipped.join(', ')}`);
      return;
    }
  }
}

async function checkHeadersAndErrors(context: ScanContext, normal: ScanResponse): Promise<void> {
  const missing = await context.client.send({ path: `/bulwark-scan-${context.marker}` });
  const answers = missing ? [normal, missing] : [normal];
  checkHeaders(context, answers);
  checkVerboseErrors(context, [...(missing ? [missing] : []), ...(await provokeErrors(context))]);
}
