import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ChainVerdict } from '../audit/index.js';
import type { AlertFiring } from './alert-catalog.js';

const DAY_MS = 86_400_000;

export interface ScheduledChecksOptions {
  /** PEM file of the served certificate (`tls.cert`), if TLS is on. */
  certificatePath: string | undefined;
  certificateDays: number;
  /** Walks the whole audit chain (`verifyAuditChain` with the chain key). */
  verifyChain: () => Promise<ChainVerdict>;
  intervalMs: number;
  now: () => number;
  fire: (firing: AlertFiring) => void;
  onProblem: (message: string) => void;
}

/**
 * The alerts no event announces: a certificate running out and an audit chain changed behind
 * the server's back. Checked once at start and then every `intervalMs`.
 */
export function createScheduledChecks(options: ScheduledChecksOptions) {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();

  const checkCertificate = () => {
    if (!options.certificatePath) return;
    let notAfterMs: number;
    try {
      notAfterMs = Date.parse(new X509Certificate(readFileSync(options.certificatePath)).validTo);
    } catch {
      options.onProblem('alerts: the TLS certificate could not be read to check its expiry');
      return;
    }
    const daysLeft = Math.floor((notAfterMs - options.now()) / DAY_MS);
    if (daysLeft >= options.certificateDays) return;
    options.fire({
      alert: 'certificate_expiring',
      summary: daysLeft < 0 ? 'the TLS certificate has expired' : `the TLS certificate expires in ${daysLeft} days`,
      observed: { daysLeft, expiresAt: new Date(notAfterMs).toISOString() },
    });
  };

  const checkChain = async () => {
    const verdict = await options.verifyChain();
    if (verdict.ok) return;
    options.fire({
      alert: 'audit_chain_broken',
      summary: `the audit chain does not verify from entry ${verdict.brokenSeq}`,
      observed: { brokenSeq: verdict.brokenSeq, reason: verdict.reason },
    });
  };

  const runOnce = () => {
    running = running.then(async () => {
      checkCertificate();
      await checkChain().catch((error: unknown) =>
        options.onProblem(`alerts: the audit chain could not be checked: ${(error as Error).message}`),
      );
    });
    return running;
  };

  return {
    /** Runs the checks now (not awaited) and then on the interval. */
    start(): void {
      void runOnce();
      timer = setInterval(runOnce, options.intervalMs);
      // The checks never keep the process alive on their own.
      timer.unref();
    },
    runOnce,
    async stop(): Promise<void> {
      clearInterval(timer);
      await running;
    },
  };
}
