import { type Static, Type } from '@sinclair/typebox';
import { FIELD_TYPES } from './field-types.js';

/** Names become SQL identifiers (`c_<name>`, columns): a strict shape keeps them inert. */
export const NAME_PATTERN = '^[a-z][a-z0-9_]{0,39}$';
/** Columns every record has, managed by the server and never writable by clients. */
export const SYSTEM_FIELDS = ['id', 'created', 'updated'] as const;
/** Most fields a collection may have; wide tables are a design smell and a DoS lever. */
export const MAX_FIELDS = 64;
/** Longest `pattern` accepted; longer ones are rarely needed and costlier to vet. */
export const MAX_PATTERN_LENGTH = 200;
/** Most values of a select field. */
export const MAX_SELECT_VALUES = 100;
/** Most files one file field may hold: each is a row, a stored object and a line in the record. */
export const MAX_FILES_PER_FIELD = 20;
/** Most MIME types one file field may list. */
export const MAX_FILE_TYPES = 32;

export type { FieldType } from './field-types.js';

const Rule = Type.Union([Type.String({ maxLength: 2048 }), Type.Null()]);

export const FieldSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    type: Type.Union(FIELD_TYPES.map((t) => Type.Literal(t))),
    required: Type.Optional(Type.Boolean()),
    unique: Type.Optional(Type.Boolean()),
    min: Type.Optional(Type.Number()),
    max: Type.Optional(Type.Number()),
    pattern: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: MAX_PATTERN_LENGTH,
        description:
          'RE2 syntax (linear-time matching: no lookaround, no backreferences); a value must contain a match, so anchor with ^…$ for the whole value',
      }),
    ),
    values: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: MAX_SELECT_VALUES }),
    ),
    collection: Type.Optional(Type.String({ pattern: NAME_PATTERN })),
    hidden: Type.Optional(
      Type.Boolean({ description: 'never sent to clients; set by administrators only unless clientWritable' }),
    ),
    clientWritable: Type.Optional(
      Type.Boolean({ description: 'with hidden: callers the create/update rule admits may also write the field' }),
    ),
    encrypted: Type.Optional(Type.Boolean()),
    maxSelect: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: MAX_FILES_PER_FIELD,
        description: 'file fields: 1 holds one file (replaced by the next upload), more hold a list',
      }),
    ),
    maxSizeBytes: Type.Optional(
      Type.Integer({ minimum: 1, description: 'file fields: largest file accepted, at most `files.maxUploadBytes`' }),
    ),
    types: Type.Optional(
      Type.Array(Type.String({ minLength: 3, maxLength: 100 }), {
        minItems: 1,
        maxItems: MAX_FILE_TYPES,
        description: 'file fields: MIME types accepted, decided from the bytes (e.g. image/png, application/pdf)',
      }),
    ),
  },
  { additionalProperties: false },
);

export const RulesSchema = Type.Object(
  {
    list: Type.Optional(Rule),
    view: Type.Optional(Rule),
    create: Type.Optional(Rule),
    update: Type.Optional(Rule),
    delete: Type.Optional(Rule),
  },
  { additionalProperties: false },
);

export const CollectionInputSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME_PATTERN }),
    fields: Type.Array(FieldSchema, { maxItems: MAX_FIELDS }),
    rules: Type.Optional(RulesSchema),
  },
  { additionalProperties: false },
);

export type FieldDefinition = Static<typeof FieldSchema>;
export type CollectionRules = Static<typeof RulesSchema>;
export type RuleAction = keyof CollectionRules;
export interface CollectionDefinition {
  name: string;
  fields: FieldDefinition[];
  /** `null` or absent: administrators only; `""`: anyone; otherwise an expression. */
  rules: Required<CollectionRules>;
}

export const RULE_ACTIONS: readonly RuleAction[] = ['list', 'view', 'create', 'update', 'delete'];

/** Rules default to locked: a missing rule means administrators only. */
export function normaliseRules(rules: CollectionRules | undefined): Required<CollectionRules> {
  return {
    list: rules?.list ?? null,
    view: rules?.view ?? null,
    create: rules?.create ?? null,
    update: rules?.update ?? null,
    delete: rules?.delete ?? null,
  };
}

/** The SQL table of a collection: a fixed prefix keeps it apart from Bulwark's own tables. */
export function tableName(collection: string): string {
  return `c_${collection}`;
}
