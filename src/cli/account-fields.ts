import { Type } from '@sinclair/typebox';
import { Ajv } from 'ajv';
import formats from 'ajv-formats';
import { Email, Password } from '../features/auth-core/index.js';
import { pathToNul } from '../http/nul-guard.js';

/** The first refused field and the API's message for it (`errors[0]` of its 400). */
export interface FieldRefusal {
  field: 'email' | 'password';
  message: string;
}

/**
 * The account fields of `POST /api/admin/setup` and sign-up, with the routes' own schemas
 * (`Email`, `Password`) compiled the way Fastify compiles them: Ajv with ajv-formats (Fastify's
 * default `email` format), first error only, no coercion. A second set of rules here would
 * drift from the API's, and an administrator the CLI accepted could then never sign in.
 */
// The password is optional here only so the email can be checked before a password is asked for.
const AccountFields = Type.Object({ email: Email, password: Type.Optional(Password) });
const ajv = new Ajv({ allErrors: false, coerceTypes: false });
formats.default(ajv);
const validateAccountFields = ajv.compile(AccountFields);

/**
 * Checks an email and password as the API checks a request body carrying them, in its order:
 * NUL characters (refused before validation, see http/nul-guard.ts), then the schema. The
 * password policy comes after, from the account service, as in the routes.
 */
export function checkAccountFields(input: { email: string; password?: string }): FieldRefusal | null {
  const nulAt = pathToNul(input);
  if (nulAt === 'email' || nulAt === 'password') {
    return { field: nulAt, message: 'contains a NUL character (U+0000)' };
  }
  if (validateAccountFields(input)) return null;
  const [issue] = validateAccountFields.errors ?? [];
  const field = issue?.instancePath === '/password' ? 'password' : 'email';
  return { field, message: issue?.message ?? 'is invalid' };
}
