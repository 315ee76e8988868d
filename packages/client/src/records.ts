import type { BatchOperation } from './batch.js';
import type { Filter } from './filter.js';
import { segment, type Transport } from './transport.js';

/** A file of a record's file field, as records show it (`[{id, name, type, size}]`, or one). */
export interface RecordFile {
  id: string;
  name: string;
  type: string;
  size: number;
}

/** An uploaded file, with its scan status (`clean`, or `pending` while a scanner looks at it). */
export type UploadedFile = RecordFile & { status: string };

/** What every record has besides its collection's fields. */
export interface BaseRecord {
  id: string;
  created: string;
  updated: string;
}

/**
 * A collection's record type: the fields `T` (from `bulwark types`, or written by hand) plus
 * `id`, `created` and `updated`.
 */
export type RecordOf<T> = BaseRecord & T;
/**
 * What a create may send when no input type is given: the record's fields without the
 * server-managed ones. `bulwark types` also writes exact input types (`BulwarkCollectionInputs`:
 * hidden fields left out unless client-writable, file fields never), which `createClient` takes
 * as its second type argument.
 */
export type RecordInput<T> = Omit<T, keyof BaseRecord>;

/**
 * Collection name → its fields' type, what `bulwark types` writes and `createClient<…>` takes (an
 * interface or a type). Without one, every collection's records are `Record<string, unknown>`.
 */
export type UntypedCollections = Record<string, Record<string, unknown>>;

export interface ListOptions {
  /** Built with `filter\`…\``: values are bound, never concatenated. */
  filter?: Filter;
  /** `sort('-created', 'title')`, or the same text. */
  sort?: string;
  page?: number;
  /** At most 500 (the server caps it). */
  perPage?: number;
  /** Skip counting: `totalItems` and `totalPages` are then -1 (faster on large collections). */
  skipTotal?: boolean;
}

export interface Page<R> {
  page: number;
  perPage: number;
  totalItems: number;
  totalPages: number;
  items: R[];
}

/** Page size `all()` walks with: the server's maximum, so a large collection takes few requests. */
const WALK_PER_PAGE = 500;

/**
 * Records of one collection, each call under the collection's own rules for the signed-in
 * user (or guest, or API key).
 * @example
 * const posts = client.collection('posts');
 * const page = await posts.list({ filter: filter`author = ${me.id}`, sort: sort('-created'), perPage: 50 });
 */
export class CollectionApi<T, I = RecordInput<T>> {
  private readonly base: string;
  /**
   * The same writes as operations of `client.batch([...])`, sent with others in one transaction.
   * @example
   * const [created] = await client.batch([notes.inBatch.create({ title }), notes.inBatch.delete(oldId)]);
   */
  readonly inBatch: {
    create(data: I): BatchOperation<RecordOf<T>>;
    update(id: string, data: Partial<I>): BatchOperation<RecordOf<T>>;
    delete(id: string): BatchOperation<null>;
  };

  constructor(
    private readonly transport: Transport,
    readonly name: string,
  ) {
    this.base = `/api/collections/${segment(name)}/records`;
    const base = this.base;
    this.inBatch = {
      create: (data) => ({ method: 'POST', url: base, body: data }),
      update: (id, data) => ({ method: 'PATCH', url: `${base}/${segment(id)}`, body: data }),
      delete: (id) => ({ method: 'DELETE', url: `${base}/${segment(id)}` }),
    };
  }

  list(options: ListOptions = {}): Promise<Page<RecordOf<T>>> {
    return this.transport.request<Page<RecordOf<T>>>({
      method: 'GET',
      path: this.base,
      query: {
        filter: options.filter?.text,
        sort: options.sort,
        page: options.page,
        perPage: options.perPage,
        skipTotal: options.skipTotal ? 1 : undefined,
      },
    });
  }

  /** Every matching record, page after page (without counting), as an async iterator. */
  async *all(options: Omit<ListOptions, 'page' | 'skipTotal'> = {}): AsyncGenerator<RecordOf<T>> {
    const perPage = options.perPage ?? WALK_PER_PAGE;
    for (let page = 1; ; page++) {
      const result = await this.list({ ...options, page, perPage, skipTotal: true });
      yield* result.items;
      if (result.items.length < perPage) return;
    }
  }

  /** The first matching record, or null. */
  async first(options: Omit<ListOptions, 'page' | 'perPage'> = {}): Promise<RecordOf<T> | null> {
    const result = await this.list({ ...options, page: 1, perPage: 1, skipTotal: true });
    return result.items[0] ?? null;
  }

  /** One record; 404 `REC_NOT_FOUND` also when the view rule hides it. */
  view(id: string): Promise<RecordOf<T>> {
    return this.transport.request<RecordOf<T>>({ method: 'GET', path: `${this.base}/${segment(id)}` });
  }

  create(data: I): Promise<RecordOf<T>> {
    return this.transport.request<RecordOf<T>>({ method: 'POST', path: this.base, body: data });
  }

  update(id: string, data: Partial<I>): Promise<RecordOf<T>> {
    return this.transport.request<RecordOf<T>>({ method: 'PATCH', path: `${this.base}/${segment(id)}`, body: data });
  }

  delete(id: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `${this.base}/${segment(id)}` });
  }

  /**
   * Uploads one file to a record's file field, under the record's update rule. The server reads
   * the type from the bytes and refuses one the field does not list (415) or too large (413).
   */
  uploadFile(id: string, field: string, file: Blob, fileName?: string): Promise<UploadedFile> {
    const form = new FormData();
    form.append('file', file, fileName ?? (file as { name?: string }).name ?? 'file');
    return this.transport.request<UploadedFile>({ method: 'POST', path: this.filesPath(id, field), body: form });
  }

  /** A short-lived signed download link (absolute), under the record's view rule. */
  async fileLink(id: string, field: string, fileId: string): Promise<{ url: string; expiresAt: string }> {
    const link = await this.transport.request<{ url: string; expiresAt: string }>({
      method: 'POST',
      path: `${this.filesPath(id, field)}/${segment(fileId)}/link`,
    });
    return { url: this.transport.absolute(link.url), expiresAt: link.expiresAt };
  }

  /** Deletes one file of a record, under the record's update rule. */
  deleteFile(id: string, field: string, fileId: string): Promise<void> {
    return this.transport.request<void>({ method: 'DELETE', path: `${this.filesPath(id, field)}/${segment(fileId)}` });
  }

  private filesPath(id: string, field: string): string {
    return `${this.base}/${segment(id)}/files/${segment(field)}`;
  }
}
