import type { AuditEventType } from '../../src/features/audit/index.js';

/**
 * An audit type no code records today, for tests that write entries of their own: filler for
 * the chain, a type an older version wrote, or one that shares a family's letters. Server code
 * cannot record these (`AuditEvent.type` is the closed registry AUDIT_EVENT_TYPES); a test
 * writes them on purpose, and this names that purpose.
 */
export const foreignAuditType = (name: string): AuditEventType => name as AuditEventType;
