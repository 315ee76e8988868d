/** The types a collection field may have (a plain list: the dashboard bundles it too). */
export const FIELD_TYPES = [
  'text',
  'number',
  'bool',
  'email',
  'url',
  'date',
  'json',
  'select',
  'relation',
  'file',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
