import { Type } from '@sinclair/typebox';

/**
 * The response schema of a 204. The document says `null`, as it always has; the type says
 * "nothing", which is what a 204 sends (`reply.code(204).send()`), so the type provider does not
 * ask handlers for a `null` body that Fastify would then serialise.
 */
export const NoContent = Type.Unsafe<undefined>(Type.Null());
