import type { CollectionInfo } from './admin.js';
import type { RequestBody } from './api-types.js';
import { segment, type Transport } from './transport.js';

/** A new collection: its name, fields and five rules (`null` or absent: administrators only). */
export type CollectionInput = RequestBody<'/api/admin/collections', 'post'>;
/** A change to a collection: its whole new field list and/or rules; `confirmDataLoss` to drop fields holding values. */
export type CollectionPatch = RequestBody<'/api/admin/collections/{name}', 'patch'>;

/**
 * Creating, changing and deleting collections (administrators, with a recent step-up). A change
 * that would delete stored values answers 409 `COLL_DATA_LOSS` unless `confirmDataLoss` is set.
 */
export class CollectionAdminApi {
  constructor(private readonly transport: Transport) {}

  create(input: CollectionInput): Promise<CollectionInfo> {
    return this.transport.request<CollectionInfo>({ method: 'POST', path: '/api/admin/collections', body: input });
  }

  update(name: string, patch: CollectionPatch): Promise<CollectionInfo> {
    return this.transport.request<CollectionInfo>({
      method: 'PATCH',
      path: `/api/admin/collections/${segment(name)}`,
      body: patch,
    });
  }

  /** Deletes the collection, its table and every record (`confirmDataLoss` when it holds any). */
  async remove(name: string, options: { confirmDataLoss?: boolean } = {}): Promise<void> {
    await this.transport.request<void>({
      method: 'DELETE',
      path: `/api/admin/collections/${segment(name)}`,
      query: { confirmDataLoss: options.confirmDataLoss },
    });
  }
}
