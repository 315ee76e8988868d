import { appError, type FieldError } from '../../errors/index.js';
import type { CollectionDefinition } from './collection-definition.js';
import type { RuleValidator } from './collections-service.js';
import { checkDefinition } from './definition-checks.js';

/**
 * Checks a whole desired schema before anything is read or written: no collection named twice
 * (`SCHEMA_INVALID`), and each definition valid against the others, as the admin API checks
 * one (names, options, patterns, relation targets among the file's collections, then its rules
 * compiled), every problem with its path in the file (`COLL_INVALID`).
 */
export function requireValidSchema(
  desired: readonly CollectionDefinition[],
  validateRules: RuleValidator,
  maxUploadBytes: number,
): void {
  const names = new Set(desired.map((c) => c.name));
  const duplicates = desired
    .map((c, index) => ({ name: c.name, index }))
    .filter(({ name, index }) => desired.findIndex((c) => c.name === name) !== index)
    .map(({ name, index }) => ({
      field: `collections.${index}.name`,
      code: 'duplicate',
      message: `"${name}" appears twice`,
    }));
  if (duplicates.length > 0) {
    throw appError('SCHEMA_INVALID', { fields: duplicates, detail: 'The schema names a collection twice.' });
  }
  const problems = desired.flatMap((definition, index) => {
    const found = checkDefinition(definition, names, { maxUploadBytes });
    return prefixed(index, found.length > 0 ? found : validateRules(definition, desired));
  });
  if (problems.length > 0) {
    throw appError('COLL_INVALID', {
      fields: problems,
      detail: 'A collection definition in the schema is not valid.',
    });
  }
}

/** Problems of the collection at `index`, with paths into the schema file. */
function prefixed(index: number, problems: readonly FieldError[]): FieldError[] {
  return problems.map((problem) => ({ ...problem, field: `collections.${index}.${problem.field}` }));
}
