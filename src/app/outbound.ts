import type { FrozenConfig } from '../config/index.js';
import { type AuditSink, createAuditThinner } from '../features/audit/index.js';
import { createOutboundClient } from '../lib/net/outbound-guard.js';
import type { OutboundClient, OutboundFailureReason } from '../lib/net/outbound-types.js';

/**
 * Refusals of one URL for one reason recorded per minute; the rest are counted into the next
 * entry (`heldBack`). A guest can make the server try a refused OIDC issuer on every sign-in
 * start: the audit log must show it, not fill up with it.
 */
const BLOCKED_PER_MINUTE = 10;

/**
 * The one outbound client of the process, under `config.outbound`; every refusal it makes
 * before connecting (scheme, address, redirect) is an `outbound.blocked` audit entry, since a
 * refused address is what an SSRF attempt looks like. The URL in the entry has no credentials,
 * query or fragment (the guard strips them: they may carry secrets).
 */
export function createAuditedOutboundClient(
  config: FrozenConfig,
  audit: AuditSink,
  onAuditProblem: (message: string) => void,
  onBlocked: (reason: OutboundFailureReason) => void = () => {},
  now: () => number = Date.now,
): OutboundClient {
  const thinner = createAuditThinner({ perWindow: BLOCKED_PER_MINUTE, windowMs: 60_000 });
  return createOutboundClient(config.outbound, {
    onBlocked: (event) => {
      // Counted before thinning: the metric sees every refusal, the log a bounded sample.
      onBlocked(event.reason);
      const { record, heldBack } = thinner.admit(`${event.reason}|${event.url}`, now());
      if (!record) return;
      audit
        .record({
          type: 'outbound.blocked',
          actor: 'system',
          details: { ...event, ...(heldBack > 0 ? { heldBack } : {}) },
        })
        .catch(() => onAuditProblem('the audit entry for a blocked outbound request could not be written'));
    },
  });
}
