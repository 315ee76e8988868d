import { Type } from '@sinclair/typebox';

export const problem = { $ref: 'Problem#' } as const;
const NAME = '^[a-z][a-z0-9_]{0,39}$';
/**
 * A file id is only ever looked up in the `files` table, never joined into a path: an id that is
 * not one (`..`, `%2e%2e%2f`, a path) is simply not found (404), like a record id.
 */
const FileId = Type.String({ minLength: 1, maxLength: 64 });

export const FieldParams = Type.Object({
  c: Type.String({ pattern: NAME }),
  id: Type.String({ minLength: 1, maxLength: 64 }),
  field: Type.String({ pattern: NAME }),
});
export const FileParams = Type.Object({ ...FieldParams.properties, fileId: FileId });
export const SignedParams = Type.Object({ fileId: FileId });
export const SignedQuery = Type.Object(
  {
    expires: Type.Optional(Type.String({ maxLength: 20 })),
    sig: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

export const PublicFileSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  type: Type.String(),
  size: Type.Integer(),
});
