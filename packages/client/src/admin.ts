import type { ResponseBody } from './api-types.js';
import { segment, type Transport } from './transport.js';

/** A collection's definition as administrators read it: its fields and its five rules. */
export type CollectionInfo = ResponseBody<'/api/admin/collections', 'get', 200>['items'][number];

/** What administrators read about the server's shape (administrators only; others get 403). */
export class AdminApi {
  constructor(private readonly transport: Transport) {}

  /** Every collection, with its fields and rules. */
  async collections(): Promise<CollectionInfo[]> {
    const { items } = await this.transport.request<{ items: CollectionInfo[] }>({
      method: 'GET',
      path: '/api/admin/collections',
    });
    return items;
  }

  /** One collection by name. */
  collection(name: string): Promise<CollectionInfo> {
    return this.transport.request<CollectionInfo>({ method: 'GET', path: `/api/admin/collections/${segment(name)}` });
  }
}
