import { type Kysely, sql } from 'kysely';
import type { FieldError } from '../../errors/index.js';
import { type CollectionDefinition, tableName } from './collection-definition.js';

/**
 * Relation values that name no existing record. Run only for a caller the rule has admitted:
 * before that, a 400 here against a 403 there would tell a stranger which ids exist.
 */
export async function relationProblems(
  db: Kysely<Record<string, Record<string, string | number>>>,
  definition: CollectionDefinition,
  values: Readonly<Record<string, string | number>>,
): Promise<FieldError[]> {
  const problems: FieldError[] = [];
  for (const field of definition.fields.filter((f) => f.type === 'relation')) {
    const value = values[field.name];
    if (value === undefined || value === '') continue;
    const target = field.collection === 'users' ? 'users' : tableName(field.collection as string);
    const found = await db
      .selectFrom(target)
      .select(sql.ref(`${target}.id`).as('id'))
      .where(sql.ref(`${target}.id`), '=', value)
      .executeTakeFirst();
    if (!found) problems.push({ field: field.name, code: 'relation', message: 'refers to no existing record' });
  }
  return problems;
}
