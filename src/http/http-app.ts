import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type {
  FastifyBaseLogger,
  FastifyInstance,
  RawReplyDefaultExpression,
  RawRequestDefaultExpression,
  RawServerDefault,
} from 'fastify';

/**
 * The Fastify instance every feature registers its routes on. With the TypeBox type provider a
 * handler's `request.body`, `query` and `params` take their types from the route's TypeBox schema,
 * the one Ajv enforces, so the two cannot drift apart the way a hand-written cast could.
 */
export type HttpApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;
