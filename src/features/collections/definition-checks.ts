import type { FieldError } from '../../errors/index.js';
import { type CollectionDefinition, type FieldDefinition, SYSTEM_FIELDS } from './collection-definition.js';
import { compilePattern, MAX_PATTERN_WORK } from './field-pattern.js';
import { DEFAULT_MAX_TEXT_LENGTH } from './field-values.js';
import { checkFileFieldOptions } from './file-field-checks.js';

const TEXT_LIKE = new Set(['text', 'email', 'url']);
const ENCRYPTABLE = new Set(['text', 'email', 'url', 'json']);
/** Names that would shadow Bulwark's own tables or a built-in target. */
const RESERVED_COLLECTIONS = new Set(['users', 'admin', 'collections', 'auth']);

/**
 * Checks a definition beyond its JSON schema: unique names, options that fit their type,
 * patterns RE2 can run within a cost bound, relation targets that exist. Returns every problem at once for `errors[]`.
 */
export function checkDefinition(
  definition: CollectionDefinition,
  existingCollections: ReadonlySet<string>,
  limits: { maxUploadBytes: number },
): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, code: string, message: string) => problems.push({ field, code, message });
  if (RESERVED_COLLECTIONS.has(definition.name)) add('name', 'reserved', `"${definition.name}" is reserved`);
  const seen = new Set<string>();
  definition.fields.forEach((field, index) => {
    const at = `fields.${index}`;
    if ((SYSTEM_FIELDS as readonly string[]).includes(field.name))
      add(`${at}.name`, 'reserved', `"${field.name}" is managed by the server`);
    if (seen.has(field.name)) add(`${at}.name`, 'duplicate', `"${field.name}" appears twice`);
    seen.add(field.name);
    checkFieldOptions(field, at, existingCollections, definition.name, add);
    checkFileFieldOptions(field, at, limits.maxUploadBytes, add);
  });
  checkPatterns(definition.fields, add);
  return problems;
}

function checkFieldOptions(
  field: FieldDefinition,
  at: string,
  collections: ReadonlySet<string>,
  self: string,
  add: (field: string, code: string, message: string) => void,
): void {
  if (field.pattern !== undefined && !TEXT_LIKE.has(field.type))
    add(`${at}.pattern`, 'not_applicable', 'only text, email and url fields take a pattern');
  if (field.type === 'select' && !field.values) add(`${at}.values`, 'required', 'a select field needs its values');
  if (field.type !== 'select' && field.values) add(`${at}.values`, 'not_applicable', 'only select fields take values');
  if (field.type === 'relation') {
    const target = field.collection;
    if (!target) add(`${at}.collection`, 'required', 'a relation field names its target collection (or "users")');
    else if (target !== 'users' && target !== self && !collections.has(target))
      add(`${at}.collection`, 'unknown', `no collection "${target}"`);
  } else if (field.collection !== undefined)
    add(`${at}.collection`, 'not_applicable', 'only relation fields name a collection');
  if (field.min !== undefined && field.max !== undefined && field.min > field.max)
    add(`${at}.min`, 'range', 'must not exceed max');
  if (field.encrypted && !ENCRYPTABLE.has(field.type))
    add(`${at}.encrypted`, 'not_applicable', 'only text, email, url and json fields can be encrypted');
  // Encryption is randomised, so equal values never look equal: uniqueness cannot be checked.
  if (field.encrypted && field.unique) add(`${at}.unique`, 'not_applicable', 'an encrypted field cannot be unique');
  // A 409 on a guessed value would tell any writer what another record's hidden field holds.
  if (field.hidden && field.unique)
    add(`${at}.unique`, 'not_applicable', 'a hidden field cannot be unique (a conflict would reveal its values)');
  if (field.clientWritable !== undefined && !field.hidden)
    add(`${at}.clientWritable`, 'not_applicable', 'only hidden fields take clientWritable (other fields are writable)');
}

/**
 * Every pattern must compile on RE2 (the engine values are matched with), and together they
 * must stay within MAX_PATTERN_WORK for a record of longest values.
 */
function checkPatterns(
  fields: readonly FieldDefinition[],
  add: (field: string, code: string, message: string) => void,
) {
  let work = 0;
  fields.forEach((field, index) => {
    if (field.pattern === undefined || !TEXT_LIKE.has(field.type)) return;
    const at = `fields.${index}.pattern`;
    const compiled = compilePattern(field.pattern);
    if (!compiled.ok) {
      add(at, 'invalid', `the pattern of "${field.name}" is not valid RE2 syntax (${compiled.reason})`);
      return;
    }
    // A negative max (no value fits) must not lower the sum for the other fields.
    const longest = Math.max(0, field.max ?? DEFAULT_MAX_TEXT_LENGTH);
    work += compiled.instructions * longest;
    if (work > MAX_PATTERN_WORK) {
      add(
        at,
        'too_costly',
        `the pattern of "${field.name}" (${compiled.instructions} steps a character) over values of up to ` +
          `${longest} characters takes the collection's patterns past ` +
          `${MAX_PATTERN_WORK.toLocaleString('en')} steps a record: lower the field's max or simplify the pattern`,
      );
    }
  });
}
