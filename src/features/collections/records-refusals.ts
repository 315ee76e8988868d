import type { AppError } from '../../errors/index.js';
import { appError } from '../../errors/index.js';
import { type AuditEventType, type AuditSink, createAuditThinner } from '../audit/index.js';
import type { RuleAction } from './collection-definition.js';
import type { WriteDenial } from './records-batch.js';
import type { RecordsContext } from './records-service.js';

/** Denied reads audited per caller and collection per minute; the rest are counted. */
const DENIED_READS_PER_MINUTE = 10;

/**
 * What the records service does when a rule refuses: tell the metrics, audit it (denied reads
 * thinned so probing cannot flood the log) and answer so that ids are not confirmed to strangers.
 */
export function createRecordsRefusals(deps: {
  audit: AuditSink;
  /** Told of every operation a rule refused, before the audit log thins denied reads (metrics). */
  onRuleDenial?: ((action: RuleAction) => void) | undefined;
  now: () => number;
}) {
  const audit = (type: AuditEventType, ctx: RecordsContext, details: Record<string, unknown>) =>
    deps.audit.record({ type, actor: ctx.caller.id || 'guest', ip: ctx.ip, requestId: ctx.requestId, details });

  const deniedReads = createAuditThinner({ perWindow: DENIED_READS_PER_MINUTE, windowMs: 60_000 });

  return {
    audit,

    /** A read the rules refused (ASVS V16.3.2), thinned so probing cannot flood the log. */
    async deniedRead(ctx: RecordsContext, details: { collection: string; id?: string; action: 'list' | 'view' }) {
      deps.onRuleDenial?.(details.action);
      const actor = ctx.caller.id || `guest:${ctx.clientKey ?? ctx.ip ?? ''}`;
      const { record, heldBack } = deniedReads.admit(`${actor}|${details.collection}`, deps.now());
      if (record) await audit('records.read.denied', ctx, heldBack > 0 ? { ...details, heldBack } : details);
    },

    /** A write the rule refused: audited, and 404 so ids are not confirmed to strangers (403 on create). */
    async refuseWrite(ctx: RecordsContext, details: WriteDenial): Promise<AppError> {
      deps.onRuleDenial?.(details.action);
      // In a batch, which operation it was: the rest of the batch was rolled back with it.
      await audit(
        'records.write.denied',
        ctx,
        ctx.batchIndex === undefined ? details : { ...details, batchIndex: ctx.batchIndex },
      );
      return appError(details.action === 'create' ? 'REC_FORBIDDEN' : 'REC_NOT_FOUND');
    },
  };
}
