import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { Gauge } from 'prom-client';
import type { MetricsRegistry } from './metrics.js';
import type { ReadinessProbe } from './routes/ready.js';

export interface ScrapeSources {
  /** Bans in force now (the shared ban store). */
  countActiveBans: () => Promise<number>;
  /** The readiness probe: each dependency `ok` or `down`. */
  probe: ReadinessProbe;
  /** True while the newest audit entries verify against the chain. */
  verifyAuditTail: () => Promise<boolean>;
  /** The served certificate's file; without TLS the expiry series is not exported at all. */
  tlsCertPath?: string | undefined;
  now: () => number;
}

/**
 * Gauges read from their source at each scrape, so they are never stale between events. A
 * source that fails leaves its series out of that scrape (absent, which an alert can catch)
 * rather than failing the whole scrape or showing an old value.
 */
export function registerScrapeGauges(metrics: MetricsRegistry, sources: ScrapeSources): void {
  const readOrDrop = (read: (gauge: Gauge) => Promise<void>) => async (gauge: Gauge) => {
    await read(gauge).catch(() => gauge.reset());
  };
  metrics.gauge(
    'bulwark_bans_active',
    readOrDrop(async (gauge) => gauge.set(await sources.countActiveBans())),
  );
  metrics.gauge(
    'bulwark_dependency_up',
    readOrDrop(async (gauge) => {
      const checks = await sources.probe();
      gauge.reset();
      for (const [dependency, state] of Object.entries(checks)) gauge.set({ dependency }, state === 'ok' ? 1 : 0);
    }),
  );
  // Once a check fails the gauge stays 0: a broken chain does not mend itself when newer
  // entries push the broken one out of the checked window.
  let chainOk = true;
  metrics.gauge(
    'bulwark_audit_chain_ok',
    readOrDrop(async (gauge) => {
      if (chainOk) chainOk = await sources.verifyAuditTail();
      gauge.set(chainOk ? 1 : 0);
    }),
  );
  const certPath = sources.tlsCertPath;
  if (certPath) {
    // Read from the file at each scrape: the server reloads the certificate when the file changes.
    metrics.gauge(
      'bulwark_tls_certificate_expiry_seconds',
      readOrDrop(async (gauge) => {
        const certificate = new X509Certificate(await readFile(certPath));
        gauge.set(Math.floor((Date.parse(certificate.validTo) - sources.now()) / 1000));
      }),
    );
  }
}
