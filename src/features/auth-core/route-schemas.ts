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

/** A 6-digit TOTP code or a recovery code (`xxxxx-xxxxx`). */
export const SecondFactorCode = Type.String({ minLength: 6, maxLength: 16, pattern: '^[A-Za-z0-9 -]+$' });

/** Whether a new sign-in still owes its second step (`mfaRequired`) or must first enrol one. */
export const StageFlags = {
  mfaRequired: Type.Boolean(),
  mfaEnrolmentRequired: Type.Optional(Type.Boolean()),
};

/** Tokens from a sign-in: a restricted sign-in gets an access token only. */
export const SignInTokensSchema = Type.Object({
  accessToken: Type.String(),
  refreshToken: Type.Optional(Type.String()),
  expiresIn: Type.Integer(),
  tokenType: Type.Literal('Bearer'),
  ...StageFlags,
});

/**
 * A WebAuthn response as the browser's `toJSON()` gives it; @simplewebauthn/server checks its
 * inside. Bounded so that nobody sends megabytes of "attestation".
 */
export const PasskeyResponse = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: 1024 }),
    rawId: Type.String({ minLength: 1, maxLength: 1024 }),
    type: Type.Literal('public-key'),
    response: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), { maxProperties: 16 }),
    clientExtensionResults: Type.Optional(Type.Record(Type.String({ maxLength: 64 }), Type.Unknown())),
    authenticatorAttachment: Type.Optional(Type.String({ maxLength: 32 })),
  },
  { additionalProperties: false, maxProperties: 8 },
);

export const problem = { $ref: 'Problem#' } as const;
export const strictBody = { additionalProperties: false } as const;
