import type { DataLoss, SchemaPlan } from '../../features/collections/index.js';
import { counted } from '../output.js';

/**
 * The diff an apply prints, one change a line: `+` added, `-` removed, `~` changed, with the
 * data a removal would delete beside it.
 *
 * @example
 * + tasks
 * - legacy (12 records)
 * ~ notes
 *     + field due
 *     - field old (3 values)
 *     ~ field title: required, max
 *     ~ rules: list, view
 */
export function formatPlan(plan: SchemaPlan, dataLoss: readonly DataLoss[]): string[] {
  const lossOf = (collection: string, field: string | null, noun: string) => {
    const loss = dataLoss.find((l) => l.collection === collection && l.field === field);
    return loss ? ` (${counted(loss.count, noun)})` : '';
  };
  const lines = [
    ...plan.added.map((name) => `+ ${name}`),
    ...plan.removed.map((name) => `- ${name}${lossOf(name, null, 'record')}`),
  ];
  for (const change of plan.changed) {
    lines.push(`~ ${change.name}`);
    for (const field of change.fieldsAdded) lines.push(`    + field ${field}`);
    for (const field of change.fieldsDropped) lines.push(`    - field ${field}${lossOf(change.name, field, 'value')}`);
    for (const field of change.fieldsChanged) lines.push(`    ~ field ${field.name}: ${field.options.join(', ')}`);
    if (change.fieldsReordered) lines.push('    ~ field order');
    if (change.rulesChanged.length > 0) lines.push(`    ~ rules: ${change.rulesChanged.join(', ')}`);
  }
  return lines;
}

/** "1 collection added, 2 changed": the summary after the diff. */
export function summarisePlan(plan: SchemaPlan): string {
  const parts = [
    plan.added.length > 0 ? `${plan.added.length} added` : '',
    plan.removed.length > 0 ? `${plan.removed.length} removed` : '',
    plan.changed.length > 0 ? `${plan.changed.length} changed` : '',
  ].filter(Boolean);
  const total = plan.added.length + plan.removed.length + plan.changed.length;
  return `${counted(total, 'collection')}: ${parts.join(', ')}`;
}
