import type { ApiKeyInfo, ApiKeyScope } from './api-types.js';
import { segment, type Transport } from './transport.js';

export interface CreateApiKeyInput {
  name: string;
  scopes: ApiKeyScope[];
  /** Mandatory: keys always expire. At least 60. */
  expiresInSeconds: number;
}

/** The key itself, shown once, and its record. */
export interface CreatedApiKey {
  key: string;
  apiKey: ApiKeyInfo;
}

/**
 * My API keys. Creating, rotating and revoking need a recent step-up
 * (`auth.reauthenticate`); a key cannot manage keys.
 */
export class ApiKeysApi {
  constructor(private readonly transport: Transport) {}

  create(input: CreateApiKeyInput): Promise<CreatedApiKey> {
    return this.transport.request<CreatedApiKey>({
      method: 'POST',
      path: '/api/keys',
      body: { name: input.name, scopes: input.scopes, expiresIn: input.expiresInSeconds },
    });
  }

  async list(): Promise<ApiKeyInfo[]> {
    const { items } = await this.transport.request<{ items: ApiKeyInfo[] }>({ method: 'GET', path: '/api/keys' });
    return items;
  }

  /** A new key; the old one keeps working for the configured overlap. */
  rotate(id: string): Promise<CreatedApiKey> {
    return this.transport.request<CreatedApiKey>({ method: 'POST', path: `/api/keys/${segment(id)}/rotate` });
  }

  /** Revokes a key at once. */
  revoke(id: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `/api/keys/${segment(id)}` });
  }
}
