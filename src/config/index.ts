export type { ConfigCheck, DeploymentFacts, Finding, Severity } from './checks.js';
export { CONFIG_CHECKS, gatherDeploymentFacts, MASTER_KEY_FILE, runConfigChecks } from './checks.js';
export type { ConfigProblem } from './errors.js';
export { ConfigError, formatProblem } from './errors.js';
export type { FrozenConfig, LoadConfigOptions } from './load.js';
export { loadConfig } from './load.js';
export type { Config, SyslogFacility } from './schema.js';
export { ConfigSchema, envNameFor, listConfigLeaves, SYSLOG_FACILITIES } from './schema.js';
