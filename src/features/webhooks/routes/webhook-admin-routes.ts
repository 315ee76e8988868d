import { Type } from '@sinclair/typebox';
import { isAppError } from '../../../errors/index.js';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import { describeUrl } from '../../../lib/net/outbound-url.js';
import { requireAdmin, requireAdminWrite } from '../../auth-core/index.js';
import type { WebhooksService } from '../webhooks-service.js';
import { auditWebhookChange, type WebhookRouteDeps } from './admin-guard.js';
import {
  CreatedWebhookSchema,
  problem,
  WebhookIdParams,
  WebhookInputSchema,
  WebhookSchema,
} from './webhook-schemas.js';

/** Register, list, show and delete webhooks: administrators only; changes need step-up and are audited. */
export function registerWebhookAdminRoutes(app: HttpApp, webhooks: WebhooksService, deps: WebhookRouteDeps): void {
  app.post(
    '/api/admin/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Register a webhook; the answer carries its signing secret, shown only this once',
        body: WebhookInputSchema,
        response: { 201: CreatedWebhookSchema, 400: problem, 401: problem, 403: problem },
      },
    },
    async (request, reply) => {
      const auth = requireAdminWrite(request, deps.stepUpWindowSeconds, deps.now());
      const created = await webhooks.create(request.body).catch(async (error: unknown) => {
        // An administrator pointing a webhook at an internal address is worth knowing about (SSRF).
        if (isAppError(error) && error.code === 'HOOK_URL_REFUSED') {
          await auditWebhookChange(deps, request, auth.user.id, 'webhook.url.refused', {
            url: describeUrl(request.body.url),
          });
        }
        throw error;
      });
      // Never the secret, nor credentials, query or fragment of the URL (they may carry tokens):
      // the audit log is read by more people than the receiver's owner.
      await auditWebhookChange(deps, request, auth.user.id, 'webhook.created', {
        webhookId: created.id,
        url: describeUrl(created.url),
        events: created.events,
        secretGiven: request.body.secret !== undefined,
      });
      return reply.code(201).send(created);
    },
  );

  app.get(
    '/api/admin/webhooks',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'All webhooks (never their secrets)',
        response: { 200: Type.Object({ items: Type.Array(WebhookSchema) }), 401: problem, 403: problem },
      },
    },
    async (request) => {
      requireAdmin(request);
      return { items: await webhooks.list() };
    },
  );

  app.get(
    '/api/admin/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'One webhook (never its secret)',
        params: WebhookIdParams,
        response: { 200: WebhookSchema, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request) => {
      requireAdmin(request);
      return webhooks.get(request.params.id);
    },
  );

  app.delete(
    '/api/admin/webhooks/:id',
    {
      schema: {
        tags: ['webhooks'],
        summary: 'Delete a webhook with its queued deliveries and delivery log',
        params: WebhookIdParams,
        response: { 204: NoContent, 401: problem, 403: problem, 404: problem },
      },
    },
    async (request, reply) => {
      const auth = requireAdminWrite(request, deps.stepUpWindowSeconds, deps.now());
      const removed = await webhooks.remove(request.params.id);
      await auditWebhookChange(deps, request, auth.user.id, 'webhook.deleted', {
        webhookId: removed.id,
        url: describeUrl(removed.url),
        pendingDropped: removed.pendingDeliveries,
      });
      return reply.code(204).send();
    },
  );
}
