import type { CollectionInfo } from './admin.js';
import type { RequestBody, ResponseBody } from './api-types.js';
import { segment, type Transport } from './transport.js';

/** A new collection: its name, fields and five rules (`null` or absent: administrators only). */
export type CollectionInput = RequestBody<'/api/admin/collections', 'post'>;
/** Every collection definition as one schema file (`GET /api/admin/schema`). */
export type SchemaDocument = ResponseBody<'/api/admin/schema', 'get', 200>;
/** What applying a schema file did, or would do (`dryRun`), or why it was refused. */
export type SchemaApplyResult = ResponseBody<'/api/admin/schema', 'put', 200>;
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

  /** Every collection definition as one schema file, stable in order (schema as code). */
  exportSchema(): Promise<SchemaDocument> {
    return this.transport.request<SchemaDocument>({ method: 'GET', path: '/api/admin/schema' });
  }

  /**
   * Makes the collections match a schema file in one transaction. `dryRun` reports the plan and
   * the data it would delete, then rolls back; dropping data needs `confirmDataLoss` (else 409).
   */
  applySchema(
    document: unknown,
    options: { dryRun?: boolean; confirmDataLoss?: boolean } = {},
  ): Promise<SchemaApplyResult> {
    return this.transport.request<SchemaApplyResult>({
      method: 'PUT',
      path: '/api/admin/schema',
      query: { dryRun: options.dryRun, confirmDataLoss: options.confirmDataLoss },
      body: document,
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
