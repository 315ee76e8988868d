export type { AuditEntry, AuditEvent, AuditSink } from './audit-event.js';
export type { AuditLog } from './audit-service.js';
export { createAuditLog } from './audit-service.js';
export type { ChainVerdict } from './verify-chain.js';
export { verifyAuditChain } from './verify-chain.js';
