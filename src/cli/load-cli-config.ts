import { ConfigError, type FrozenConfig, formatProblem, loadConfig } from '../config/index.js';
import { CliError, EXIT_USAGE } from './output.js';

export interface CommonFlags {
  config?: string;
  host?: string;
  port?: string;
  data?: string;
}

/** Flags override env, which overrides the file; a config problem becomes a one-line CLI error. */
export function loadCliConfig(flags: CommonFlags, env: NodeJS.ProcessEnv = process.env): FrozenConfig {
  try {
    return loadConfig({
      configFile: flags.config,
      env,
      overrides: {
        'server.host': flags.host,
        'server.port': flags.port === undefined ? undefined : parsePort(flags.port),
        dataDir: flags.data,
      },
    });
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new CliError(error.problems.map(formatProblem).join('\n'), EXIT_USAGE);
    }
    throw error;
  }
}

function parsePort(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}
