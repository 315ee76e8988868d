import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import type { Account } from './collections-client.js';
import type { TestApp } from './test-app.js';

export interface CreatedWebhook {
  id: string;
  url: string;
  events: string[];
  created: string;
  secret: string;
}

export interface DeliveryView {
  id: string;
  event: string;
  status: 'pending' | 'succeeded' | 'failed' | 'dead';
  attempts: number;
  lastStatus: number | null;
  latencyMs: number | null;
  lastError: string | null;
  nextAttempt: string | null;
}

/** The webhook admin API as `headers` (an administrator's bearer token unless a test says otherwise). */
export const webhooksApi = (app: TestApp) => ({
  create: (headers: Record<string, string> | undefined, payload: unknown): Promise<LightMyRequestResponse> =>
    app.http.inject({
      method: 'POST',
      url: '/api/admin/webhooks',
      ...(headers ? { headers } : {}),
      payload: payload as object,
    }),
  list: (headers: Record<string, string> | undefined) =>
    app.http.inject({ method: 'GET', url: '/api/admin/webhooks', ...(headers ? { headers } : {}) }),
  get: (headers: Record<string, string> | undefined, id: string) =>
    app.http.inject({ method: 'GET', url: `/api/admin/webhooks/${id}`, ...(headers ? { headers } : {}) }),
  remove: (headers: Record<string, string> | undefined, id: string) =>
    app.http.inject({ method: 'DELETE', url: `/api/admin/webhooks/${id}`, ...(headers ? { headers } : {}) }),
  deliveries: (headers: Record<string, string> | undefined, id: string, query = '') =>
    app.http.inject({
      method: 'GET',
      url: `/api/admin/webhooks/${id}/deliveries${query}`,
      ...(headers ? { headers } : {}),
    }),
  test: (headers: Record<string, string> | undefined, id: string) =>
    app.http.inject({ method: 'POST', url: `/api/admin/webhooks/${id}/test`, ...(headers ? { headers } : {}) }),
});

/** Registers a webhook as `admin`, expecting 201. */
export async function registerWebhook(
  app: TestApp,
  admin: Account,
  input: { url: string; events: string[]; secret?: string },
): Promise<CreatedWebhook> {
  const response = await webhooksApi(app).create(admin.headers, input);
  expect(response.statusCode, response.body).toBe(201);
  return response.json();
}

/** Every line of a webhook's delivery log (newest first). */
export async function deliveryLog(app: TestApp, admin: Account, webhookId: string): Promise<DeliveryView[]> {
  const response = await webhooksApi(app).deliveries(admin.headers, webhookId, '?perPage=200');
  expect(response.statusCode, response.body).toBe(200);
  return response.json().items;
}
