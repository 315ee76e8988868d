import { readFileSync, statSync } from 'node:fs';
import { isAppError } from '../../errors/index.js';
import { describeDataLoss, readSchemaDocument, type SchemaDocument } from '../../features/collections/index.js';
import type { CommonFlags } from '../load-cli-config.js';
import { CliError, EXIT_FINDINGS, EXIT_USAGE, type Output } from '../output.js';
import { formatPlan, summarisePlan } from './format-plan.js';
import { withCollections } from './open-collections.js';

export interface SchemaApplyFlags extends CommonFlags {
  dryRun?: boolean;
  confirmDataLoss?: boolean;
}

/** Largest schema file read: far above 500 collections of 64 fields, far below what would strain memory. */
const MAX_SCHEMA_FILE_BYTES = 16 * 1024 * 1024;
/** Problems named in the one error line; the rest are counted. */
const MAX_LISTED_PROBLEMS = 5;

/**
 * `bulwark schema apply FILE [--dry-run] [--confirm-data-loss]`: makes the collections match
 * the file in one transaction beside running servers, printing the diff first. Dropping a
 * collection or field that holds data is refused (exit 1) without --confirm-data-loss; a dry
 * run applies and rolls back, so every check runs and nothing changes. Applies are audited
 * with actor `cli`.
 */
export async function runSchemaApply(file: string, flags: SchemaApplyFlags, out: Output): Promise<number> {
  const document = readSchemaFile(file);
  const isDryRun = flags.dryRun === true;
  const result = await withCollections(flags, (collections) =>
    collections.schema.apply(document, {
      dryRun: isDryRun,
      confirmDataLoss: flags.confirmDataLoss === true,
      by: { actor: 'cli' },
    }),
  ).catch((error: unknown) => {
    throw asCliError(error, file);
  });
  for (const line of formatPlan(result.plan, result.dataLoss)) out.line(line);
  if (result.status === 'refused') {
    throw new CliError(
      `${isDryRun ? 'the apply would be refused' : 'refused, nothing was changed'}: it would delete ${describeDataLoss(result.dataLoss)}; fix: check the diff above, then run again with --confirm-data-loss`,
      EXIT_FINDINGS,
    );
  }
  if (result.status === 'unchanged') out.line('no changes: the schema already matches the file');
  else if (result.status === 'dry-run') out.line(`dry run, nothing was changed: ${summarisePlan(result.plan)}`);
  else out.line(`applied: ${summarisePlan(result.plan)}`);
  return 0;
}

function readSchemaFile(file: string): SchemaDocument {
  let text: string;
  try {
    if (statSync(file).size > MAX_SCHEMA_FILE_BYTES) {
      throw new CliError(`${file} is larger than 16 MiB; fix: give the file bulwark schema export wrote`);
    }
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if (error instanceof CliError) throw error;
    throw new CliError(
      `cannot read ${file} (${(error as { code?: string }).code ?? 'unreadable'}); fix: check the path`,
    );
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new CliError(`${file} is not JSON; fix: give the file bulwark schema export wrote`);
  }
  try {
    return readSchemaDocument(value);
  } catch (error) {
    throw asCliError(error, file);
  }
}

/** A refusal of the file's content as one line naming the problems; anything else is not ours to word. */
function asCliError(error: unknown, file: string): unknown {
  if (!isAppError(error)) return error;
  if (error.code === 'SCHEMA_INVALID' || error.code === 'COLL_INVALID') {
    const problems = error.fields ?? [];
    const listed = problems.slice(0, MAX_LISTED_PROBLEMS).map((p) => `${p.field} ${p.message}`);
    if (problems.length > MAX_LISTED_PROBLEMS) listed.push(`and ${problems.length - MAX_LISTED_PROBLEMS} more`);
    return new CliError(
      `${file} is not a valid schema, nothing was changed: ${listed.join('; ')}; fix: correct the file and run again`,
      EXIT_USAGE,
    );
  }
  if (error.code === 'COLL_UNIQUE_CONFLICT') {
    return new CliError(
      `${error.detail ?? 'records share a value of a field made unique'} Nothing was changed; fix: make those values distinct, then apply again`,
      EXIT_FINDINGS,
    );
  }
  return error;
}
