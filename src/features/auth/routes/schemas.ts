import { Type } from '@sinclair/typebox';

/** Shared request and response schemas of the auth routes; they also feed OpenAPI. */
export const Email = Type.String({ format: 'email', minLength: 3, maxLength: 254 });
/** Long enough for the policy's own "too long" message; bounds the body before hashing. */
export const Password = Type.String({ minLength: 1, maxLength: 1024 });
export const OpaqueToken = Type.String({ minLength: 10, maxLength: 200 });

export const PublicUserSchema = Type.Object({
  id: Type.String(),
  email: Type.String(),
  name: Type.Union([Type.String(), Type.Null()]),
  role: Type.Union([Type.Literal('user'), Type.Literal('admin')]),
  verified: Type.Boolean(),
  created: Type.String(),
});

export const TokensSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.String(),
  expiresIn: Type.Integer(),
  tokenType: Type.Literal('Bearer'),
});

export const problem = { $ref: 'Problem#' } as const;
export const strictBody = { additionalProperties: false } as const;
