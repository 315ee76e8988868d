import { AppError } from '../errors/index.js';

/** One configuration problem: which key, from where, what is wrong, and the fix. */
export interface ConfigProblem {
  path: string;
  source: string;
  /** The config file the value was read from, when it came from one. */
  file?: string;
  message: string;
  fix: string;
}

/** Thrown when the configuration cannot be used; `problems` are each one printable line. */
export class ConfigError extends AppError {
  readonly problems: ConfigProblem[];

  constructor(problems: ConfigProblem[]) {
    super('CFG_INVALID', { detail: problems.map(formatProblem).join('\n'), expose: false });
    this.problems = problems;
  }
}

export function formatProblem(problem: ConfigProblem): string {
  const where = problem.source === problem.path ? problem.path : `${problem.source} (${problem.path})`;
  const file = problem.file === undefined ? '' : `${problem.file}: `;
  return `config: ${file}${where} ${problem.message}; fix: ${problem.fix}`;
}
