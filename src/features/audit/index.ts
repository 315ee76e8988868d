export type { AuditEntry, AuditEvent, AuditSink } from './audit-event.js';
export type { AuditListener, AuditLog, AuditLogOptions } from './audit-service.js';
export { createAuditLog } from './audit-service.js';
export { CHECKPOINT_FILE, checkpointPath } from './chain-checkpoint.js';
export { CHAIN_VERSION_KEYED, isEntryHashedWith } from './hash-entry.js';
export type { ChainVerdict } from './verify-chain.js';
export { verifyAuditChain } from './verify-chain.js';
export type { LogFinding, LogFindingKind, LogVerdict } from './verify-log.js';
export { verifyAuditLog } from './verify-log.js';
