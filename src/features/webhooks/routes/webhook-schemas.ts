import { Type } from '@sinclair/typebox';
import { MAX_EVENT_PATTERNS } from '../webhook-events.js';

export const problem = { $ref: 'Problem#' } as const;

/** Longest URL accepted: generous for any real endpoint, small enough to log and index. */
const MAX_URL_LENGTH = 2048;

export const WebhookIdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });

export const WebhookInputSchema = Type.Object(
  {
    url: Type.String({ minLength: 1, maxLength: MAX_URL_LENGTH, description: 'Where deliveries are POSTed.' }),
    events: Type.Array(Type.String({ minLength: 1, maxLength: 64 }), {
      minItems: 1,
      maxItems: MAX_EVENT_PATTERNS,
      description: 'Event names (`record.created`) or family patterns (`record.*`, `user.*`).',
    }),
    secret: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 200,
        description: 'A Standard Webhooks secret (`whsec_` + base64 of 24–64 bytes). Left out: one is generated.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const WebhookSchema = Type.Object({
  id: Type.String(),
  url: Type.String(),
  events: Type.Array(Type.String()),
  created: Type.String(),
  pendingDeliveries: Type.Integer({
    minimum: 0,
    description: 'Deliveries queued and not yet sent (status `pending`); deleting the webhook drops them.',
  }),
});

export const CreatedWebhookSchema = Type.Composite([
  WebhookSchema,
  Type.Object({ secret: Type.String({ description: 'Shown only in this answer; store it now.' }) }),
]);

export const DeliverySchema = Type.Object({
  id: Type.String({ description: 'The `webhook-id` header of every attempt.' }),
  event: Type.String(),
  status: Type.Union([
    Type.Literal('pending'),
    Type.Literal('succeeded'),
    Type.Literal('failed'),
    Type.Literal('dead'),
  ]),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()], { description: 'HTTP status of the last answer.' }),
  latencyMs: Type.Union([Type.Integer(), Type.Null()], { description: 'Duration of the last attempt.' }),
  lastError: Type.Union([Type.String(), Type.Null()], {
    description: '`http-<status>`, `timeout`, `network`, `dns`, `too-large` or `refused:<reason>`.',
  }),
  nextAttempt: Type.Union([Type.String(), Type.Null()], { description: 'When a pending delivery is tried next.' }),
  created: Type.String(),
  updated: Type.String(),
});

export const MAX_DELIVERIES_PER_PAGE = 200;
export const DeliveriesQuery = Type.Object(
  {
    page: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
    perPage: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_DELIVERIES_PER_PAGE, default: 30 })),
  },
  { additionalProperties: false },
);
