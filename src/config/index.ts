export type { DeploymentFacts, Finding, Severity } from './checks.js';
export { CONFIG_CHECKS, gatherDeploymentFacts, MASTER_KEY_FILE, runConfigChecks } from './checks.js';
export { ConfigError, formatProblem } from './errors.js';
export type { CataloguedFindingId, FindingInfo } from './finding-catalogue.js';
export { FINDINGS } from './finding-catalogue.js';
export type { FrozenConfig } from './load.js';
export { loadConfig } from './load.js';
export { envNameFor, listConfigLeaves, SYSLOG_FACILITIES } from './schema.js';
