import { describeDataLoss } from '../../features/collections/index.js';
import type { CommonFlags } from '../load-cli-config.js';
import { CliError, EXIT_FINDINGS, type Output } from '../output.js';
import { formatPlan, summarisePlan } from './format-plan.js';
import { withCollections } from './open-collections.js';
import { asCliError, readSchemaFile } from './read-schema-file.js';

export interface SchemaApplyFlags extends CommonFlags {
  dryRun?: boolean;
  confirmDataLoss?: boolean;
}

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
