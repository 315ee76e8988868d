import { ACCOUNT_CHECKS } from './account-checks.js';
import type { AuditCheck } from './audit-check.js';
import { FILE_CHECKS } from './file-checks.js';
import { PROCESS_CHECKS } from './process-checks.js';
import { RUNTIME_CHECKS } from './runtime-checks.js';
import { TLS_CHECKS } from './tls-checks.js';

export { DEFAULT_API_KEY_MAX_AGE_DAYS } from './account-checks.js';
export type { AuditCheck, AuditFacts } from './audit-check.js';
export { runAuditChecks } from './audit-check.js';
export { gatherAuditFacts } from './gather-audit-facts.js';

/** The deployment checks `bulwark audit` adds to the configuration checks `serve` runs too. */
export const DEPLOYMENT_CHECKS: readonly AuditCheck[] = [
  ...FILE_CHECKS,
  ...TLS_CHECKS,
  ...PROCESS_CHECKS,
  ...ACCOUNT_CHECKS,
  ...RUNTIME_CHECKS,
];
