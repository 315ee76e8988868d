import type { RequestBody, ResponseBody } from './api-types.js';
import { segment, type Transport } from './transport.js';

/** A webhook as administrators list it (never its secret). */
export type WebhookInfo = ResponseBody<'/api/admin/webhooks', 'get', 200>['items'][number];
/** A new webhook with its signing secret, shown only in this answer. */
export type CreatedWebhook = ResponseBody<'/api/admin/webhooks', 'post', 201>;
/** What registers a webhook: `secret` left out means the server generates one. */
export type WebhookInput = RequestBody<'/api/admin/webhooks', 'post'>;
/** One page of a webhook's delivery log, newest first. */
export type DeliveryPage = ResponseBody<'/api/admin/webhooks/{id}/deliveries', 'get', 200>;
/** One line of the delivery log: status, attempts, last HTTP status, next attempt. */
export type DeliveryInfo = DeliveryPage['items'][number];

/** Outgoing webhooks (administrators; creating and deleting need a recent step-up). */
export class WebhooksApi {
  constructor(private readonly transport: Transport) {}

  async list(): Promise<WebhookInfo[]> {
    const { items } = await this.transport.request<{ items: WebhookInfo[] }>({
      method: 'GET',
      path: '/api/admin/webhooks',
    });
    return items;
  }

  get(id: string): Promise<WebhookInfo> {
    return this.transport.request<WebhookInfo>({ method: 'GET', path: `/api/admin/webhooks/${segment(id)}` });
  }

  create(input: WebhookInput): Promise<CreatedWebhook> {
    return this.transport.request<CreatedWebhook>({ method: 'POST', path: '/api/admin/webhooks', body: input });
  }

  /** Deletes the webhook with its queued deliveries and its delivery log. */
  remove(id: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `/api/admin/webhooks/${segment(id)}` });
  }

  deliveries(id: string, options: { page?: number; perPage?: number } = {}): Promise<DeliveryPage> {
    return this.transport.request<DeliveryPage>({
      method: 'GET',
      path: `/api/admin/webhooks/${segment(id)}/deliveries`,
      query: { page: options.page, perPage: options.perPage },
    });
  }
}
