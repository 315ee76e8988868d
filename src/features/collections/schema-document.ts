import { type Static, Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import { appError, type FieldError } from '../../errors/index.js';
import {
  type CollectionDefinition,
  CollectionInputSchema,
  type CollectionRules,
  type FieldDefinition,
  FieldSchema,
  normaliseRules,
  RULE_ACTIONS,
} from './collection-definition.js';

/** What the `format` key of every schema file says, so a stray JSON file is told apart at once. */
export const SCHEMA_FORMAT = 'bulwark-schema';
/** Bumped when the file's shape changes; a file of another version is refused, never guessed at. */
export const SCHEMA_FORMAT_VERSION = 1;
/**
 * Most collections one file may hold: an apply checks every definition and compiles every rule
 * inside one transaction, so the work of one request or command stays bounded.
 */
export const MAX_SCHEMA_COLLECTIONS = 500;

export const SchemaDocumentSchema = Type.Object(
  {
    format: Type.Literal(SCHEMA_FORMAT),
    version: Type.Literal(SCHEMA_FORMAT_VERSION),
    collections: Type.Array(CollectionInputSchema, { maxItems: MAX_SCHEMA_COLLECTIONS }),
  },
  { additionalProperties: false, description: 'every collection definition: what GET returns, PUT takes' },
);

export type SchemaDocument = Static<typeof SchemaDocumentSchema>;

/** The order of a field's keys in every export: FieldSchema's own, so files diff line by line. */
const FIELD_KEYS = Object.keys(FieldSchema.properties) as Array<keyof FieldDefinition>;

/** One definition with its keys in a fixed order, absent options left out and every rule spelled out. */
export function canonicalDefinition(definition: {
  name: string;
  fields: readonly FieldDefinition[];
  rules?: CollectionRules | undefined;
}): CollectionDefinition {
  const fields = definition.fields.map((field) => {
    const out: Record<string, unknown> = {};
    for (const key of FIELD_KEYS) if (field[key] !== undefined) out[key] = field[key];
    return out as FieldDefinition;
  });
  const rules = normaliseRules(definition.rules);
  return {
    name: definition.name,
    fields,
    rules: Object.fromEntries(RULE_ACTIONS.map((action) => [action, rules[action]])) as CollectionDefinition['rules'],
  };
}

/**
 * The schema file for these definitions: collections ordered by name with a plain code-unit
 * comparison (the same on every dialect and locale), fields in their table order, keys in a
 * fixed order. Exporting the same definitions always gives the same text.
 */
export function toSchemaDocument(definitions: readonly CollectionDefinition[]): SchemaDocument {
  const collections = definitions
    .map(canonicalDefinition)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { format: SCHEMA_FORMAT, version: SCHEMA_FORMAT_VERSION, collections };
}

// Compiled as Fastify compiles route schemas: no coercion, so the file means what the API would.
const ajv = new Ajv({ allErrors: true, coerceTypes: false, strict: false });
const validateDocument = ajv.compile(SchemaDocumentSchema);
/** Problems listed at most from one file: the rest are counted, so a wrong file cannot flood a terminal. */
const MAX_LISTED_PROBLEMS = 20;

/**
 * Reads a schema file's parsed JSON (`bulwark schema apply`), with the checks the HTTP route's
 * body schema makes; throws `SCHEMA_INVALID` naming each problem's path.
 */
export function readSchemaDocument(value: unknown): SchemaDocument {
  if (validateDocument(value)) return value as SchemaDocument;
  const problems: FieldError[] = (validateDocument.errors ?? []).slice(0, MAX_LISTED_PROBLEMS).map((issue) => {
    const params = issue.params as Record<string, unknown>;
    const base = issue.instancePath.split('/').filter(Boolean).join('.');
    const extra = (params.missingProperty ?? params.additionalProperty) as string | undefined;
    const field = [base, extra].filter(Boolean).join('.') || '(the file)';
    const message =
      issue.keyword === 'additionalProperties'
        ? 'is not an accepted key'
        : issue.keyword === 'const'
          ? `must be ${JSON.stringify(params.allowedValue)}`
          : (issue.message ?? 'is invalid');
    return { field, code: issue.keyword, message };
  });
  throw appError('SCHEMA_INVALID', { fields: problems, detail: 'The schema file is not valid.' });
}
