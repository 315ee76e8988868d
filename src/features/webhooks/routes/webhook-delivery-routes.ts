import { Type } from '@sinclair/typebox';
import type { WebhookDeliveriesTable } from '../../../db/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { pageOf } from '../../../http/page-schema.js';
import { requireAdmin, requireAdminWrite } from '../../auth-core/index.js';
import type { WebhooksService } from '../webhooks-service.js';
import { auditWebhookChange, type WebhookRouteDeps } from './admin-guard.js';
import { DeliveriesQuery, DeliverySchema, problem, WebhookIdParams } from './webhook-schemas.js';

const iso = (ms: number) => new Date(ms).toISOString();

/** A log line: what was sent and how it went; never the body (it may carry record data) or a header. */
function toDeliveryView(row: WebhookDeliveriesTable) {
  return {
    id: row.id,
    event: row.event,
    status: row.status,
    attempts: row.attempts,
    lastStatus: row.last_status,
    latencyMs: row.last_latency_ms,
    lastError: row.last_error,
    nextAttempt: row.status === 'pending' ? iso(row.next_attempt_ms) : null,
    created: iso(row.created_ms),
    updated: iso(row.updated_ms),
  };
}

/** The delivery log of a webhook, and a test event on request. */
export function registerWebhookDeliveryRoutes(app: HttpApp, webhooks: WebhooksService, deps: WebhookRouteDeps): void {
  app.get(
    '/api/admin/webhooks/:id/deliveries',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delivery log of a webhook, newest first: status, attempts, last HTTP status, latency, next attempt',
        params: WebhookIdParams,
        querystring: DeliveriesQuery,
        response: { 200: pageOf(DeliverySchema), 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      requireAdmin(request);
      const { page = 1, perPage = 30 } = request.query;
      const found = await webhooks.deliveries(request.params.id, page, perPage);
      return { ...found, items: found.items.map(toDeliveryView) };
    },
  );

  app.post(
    '/api/admin/webhooks/:id/test',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Queue a signed `webhook.test` event for this webhook',
        params: WebhookIdParams,
        response: { 202: Type.Object({ deliveryId: Type.String() }), 401: problem, 403: problem, 404: problem },
      },
    },
    async (request, reply) => {
      const auth = requireAdminWrite(request, deps.stepUpWindowSeconds, deps.now());
      const deliveryId = await webhooks.sendTest(request.params.id);
      await auditWebhookChange(deps, request, auth.user.id, 'webhook.test', {
        webhookId: request.params.id,
        deliveryId,
      });
      return reply.code(202).send({ deliveryId });
    },
  );
}
