import type { FrozenConfig } from '../config/index.js';
import type { AuditSink } from '../features/audit/index.js';
import { createOutboundClient } from '../lib/net/outbound-guard.js';
import type { OutboundClient } from '../lib/net/outbound-types.js';

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
): OutboundClient {
  return createOutboundClient(config.outbound, {
    onBlocked: (event) => {
      audit
        .record({ type: 'outbound.blocked', actor: 'system', details: { ...event } })
        .catch(() => onAuditProblem('the audit entry for a blocked outbound request could not be written'));
    },
  });
}
