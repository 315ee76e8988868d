import type { CataloguedFindingId, Finding } from '../config/index.js';
import { AppError } from '../errors/index.js';

/**
 * Thrown when something found at start forbids going on: a high-severity configuration finding,
 * a data folder another server holds, a master key that does not match the data. Carries the
 * findings so every command prints them the same way: what is wrong, its id, and what to do.
 */
export class StartRefusedError extends AppError {
  readonly findings: Finding[];
  constructor(findings: Finding[]) {
    super('CFG_START_REFUSED', { detail: 'high-severity configuration findings', expose: false });
    this.findings = findings;
  }
}

/** A refusal with one finding. */
export function refuseStart(id: CataloguedFindingId, message: string, fix: string): StartRefusedError {
  return new StartRefusedError([{ id, severity: 'high', message, fix }]);
}

/** The refusal as commands print it: one line per finding, what is wrong, its id, what to do. */
export function refusalLines(error: StartRefusedError): string {
  return error.findings.map((f) => `${f.message} [${f.id}]; fix: ${f.fix}`).join('\n');
}
