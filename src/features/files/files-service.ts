import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { fileTypeFromFile } from 'file-type';
import type { Kysely } from 'kysely';
import type { DatabaseTables } from '../../db/index.js';
import { appError, isAppError } from '../../errors/index.js';
import { type AuditEventType, type AuditSink, createAuditThinner } from '../audit/index.js';
import {
  type FieldDefinition,
  fileSizeLimitBytes,
  type RecordsContext,
  type RecordsService,
} from '../collections/index.js';
import { isValidFileLink, signFileLink } from './file-links.js';
import { downloadName, sanitiseFileName } from './file-names.js';
import { createFileRemover } from './file-removal.js';
import { createFileScanQueue } from './file-scan.js';
import type { FileStore, MalwareScanner } from './file-store.js';
import { createFilesRepo, type FileRow } from './files-repo.js';
import type { SpooledUpload } from './upload-spool.js';

/** Refusals (uploads, bad links) audited per caller per minute; the rest are counted. */
const REFUSALS_PER_MINUTE = 10;
/** Seconds a client is asked to wait for a file still being scanned. */
const PENDING_RETRY_AFTER_SECONDS = 5;

/** What a record shows of each of its files. */
export interface PublicFile {
  id: string;
  name: string;
  type: string;
  size: number;
}

/** Reads the one file part of an upload, spooled to disk under `maxBytes`, with its client name. */
export type UploadReader = (maxBytes: number) => Promise<{ upload: SpooledUpload; clientName: string }>;

export interface FilesServiceDeps {
  db: Kysely<DatabaseTables>;
  records: RecordsService;
  store: FileStore;
  /** When set, new files are `pending` until scanned clean. */
  scanner?: MalwareScanner | undefined;
  audit: AuditSink;
  /** The `file-links` key derived from the master key. */
  linkKey: Buffer;
  linkTtlSeconds: number;
  maxUploadBytes: number;
  now?: () => number;
}

const toPublic = (row: FileRow): PublicFile => ({ id: row.id, name: row.name, type: row.type, size: row.size_bytes });

/**
 * Files of records: uploads under the record's update rule, typed by their bytes; downloads
 * under its view rule or through a short-lived signed link. Keys are server ids only.
 */
export function createFilesService(deps: FilesServiceDeps) {
  const repo = createFilesRepo(deps.db);
  const now = deps.now ?? Date.now;
  const remover = createFileRemover({ repo, store: deps.store, audit: deps.audit });
  const scans = deps.scanner
    ? createFileScanQueue({
        scanner: deps.scanner,
        repo,
        store: deps.store,
        audit: deps.audit,
        onInfected: (row) => refreshField(row.collection, row.record_id, row.field),
      })
    : null;
  const refusals = createAuditThinner({ perWindow: REFUSALS_PER_MINUTE, windowMs: 60_000 });

  const audit = (type: AuditEventType, ctx: RecordsContext, details: Record<string, unknown>) =>
    deps.audit.record({ type, actor: ctx.caller.id || 'guest', ip: ctx.ip, requestId: ctx.requestId, details });
  /** A refusal worth evidence but cheap to provoke: thinned per caller so probing cannot flood the log. */
  const auditRefusal = async (type: AuditEventType, ctx: RecordsContext, details: Record<string, unknown>) => {
    const actor = ctx.caller.id || `guest:${ctx.clientKey ?? ctx.ip ?? ''}`;
    const { record, heldBack } = refusals.admit(`${type}|${actor}`, now());
    if (record) await audit(type, ctx, heldBack > 0 ? { ...details, heldBack } : details);
  };

  const fileField = (fields: readonly FieldDefinition[], name: string) => {
    const field = fields.find((f) => f.name === name && f.type === 'file');
    if (!field) throw appError('FILE_FIELD_NOT_FOUND');
    return field;
  };

  /** The file if it belongs to this record's field; the same 404 whether it is missing or elsewhere. */
  const fileOf = async (collection: string, recordId: string, field: string, fileId: string) => {
    const row = await repo.findById(fileId);
    if (!row || row.collection !== collection || row.record_id !== recordId || row.field !== field)
      throw appError('FILE_NOT_FOUND');
    return row;
  };

  /** Rewrites the record's field from the `files` rows, so concurrent uploads cannot lose one. */
  const refreshField = async (collection: string, recordId: string, field: string) => {
    const rows = (await repo.listOfField(collection, recordId, field)).filter((r) => r.status !== 'infected');
    const value = rows.length === 0 ? '' : JSON.stringify(rows.map(toPublic));
    return deps.records.writeServerValue(collection, recordId, field, value);
  };

  /** Only clean files are served: pending ones wait for their scan, infected ones are gone. */
  const requireServable = async (row: FileRow, ctx: RecordsContext) => {
    if (row.status === 'clean') return row;
    if (row.status === 'pending') {
      // A scan that could not decide (clamd down) is tried again when the file is asked for.
      scans?.enqueue(row);
      throw appError('FILE_PENDING_SCAN', { headers: { 'retry-after': String(PENDING_RETRY_AFTER_SECONDS) } });
    }
    await audit('file.download.refused', ctx, { fileId: row.id, reason: 'infected' });
    throw appError('FILE_NOT_FOUND');
  };

  /** The checked, typed upload: its type comes from its bytes, never from its name or header. */
  const receive = async (field: FieldDefinition, read: UploadReader, ctx: RecordsContext, subject: object) => {
    const maxBytes = fileSizeLimitBytes(field, deps.maxUploadBytes);
    let received: Awaited<ReturnType<UploadReader>>;
    try {
      received = await read(maxBytes);
    } catch (error) {
      if (isAppError(error) && error.code === 'FILE_TOO_LARGE')
        await auditRefusal('file.upload.refused', ctx, { ...subject, reason: 'too large', maxBytes });
      throw error;
    }
    const detected = await fileTypeFromFile(received.upload.path);
    const allowed = field.types ?? [];
    if (!detected || !allowed.includes(detected.mime)) {
      await received.upload.discard();
      const type = detected?.mime ?? 'unrecognised';
      await auditRefusal('file.upload.refused', ctx, {
        ...subject,
        reason: 'type',
        type,
        sizeBytes: received.upload.sizeBytes,
      });
      throw appError('FILE_TYPE_REFUSED', {
        detail: `The file's content is ${detected ? detected.mime : 'of no recognised type'}; this field accepts ${allowed.join(', ')}.`,
      });
    }
    return { ...received, type: detected.mime, extension: detected.ext };
  };

  /** Saves a received upload's bytes and row; a record deleted meanwhile takes the file with it. */
  const save = async (
    subject: { collection: string; recordId: string; field: string },
    received: Awaited<ReturnType<typeof receive>>,
    name: string,
  ) => {
    const id = randomUUID();
    const row: FileRow = {
      id,
      collection: subject.collection,
      record_id: subject.recordId,
      field: subject.field,
      store_key: `${subject.collection}/${subject.recordId}/${id}`,
      name,
      type: received.type,
      size_bytes: received.upload.sizeBytes,
      sha256: received.upload.sha256,
      status: scans ? 'pending' : 'clean',
      created_ms: now(),
    };
    try {
      await deps.store.put(row.store_key, createReadStream(received.upload.path), {
        sizeBytes: row.size_bytes,
        contentType: row.type,
      });
    } finally {
      await received.upload.discard();
    }
    await repo.insert(row);
    return row;
  };

  return {
    removalListener: remover.listener,

    async upload(collection: string, recordId: string, fieldName: string, read: UploadReader, ctx: RecordsContext) {
      const definition = await deps.records.authorize(collection, recordId, 'update', ctx);
      const field = fileField(definition.fields, fieldName);
      const subject = { collection, recordId, field: fieldName };
      const maxSelect = field.maxSelect ?? 1;
      const before = await repo.listOfField(collection, recordId, fieldName);
      if (maxSelect > 1 && before.length >= maxSelect)
        throw appError('FILE_FIELD_FULL', { detail: `The field holds at most ${maxSelect} files.` });
      const received = await receive(field, read, ctx, subject);
      // The stored name ends in the sniffed type's extension: `x.png` that is a PDF becomes `x.pdf`.
      const name = downloadName(sanitiseFileName(received.clientName), received.extension);
      const row = await save(subject, received, name);
      // A single field keeps one file, the last listed (oldest first, ties by id): every other goes,
      // row and bytes. Each upload prunes after its insert, so uploads at once agree on one survivor.
      if (maxSelect === 1) {
        const listed = await repo.listOfField(collection, recordId, fieldName);
        await remover.removeFiles(listed.slice(0, -1), 'replaced', ctx.caller.id || 'guest');
      }
      if (!(await refreshField(collection, recordId, fieldName))) {
        await remover.removeFiles([row], 'record deleted');
        throw appError('REC_NOT_FOUND');
      }
      await audit('file.uploaded', ctx, { ...subject, fileId: row.id, type: row.type, sizeBytes: row.size_bytes });
      scans?.enqueue(row);
      return { ...toPublic(row), status: row.status };
    },

    async remove(collection: string, recordId: string, fieldName: string, fileId: string, ctx: RecordsContext) {
      await deps.records.authorize(collection, recordId, 'update', ctx);
      const row = await fileOf(collection, recordId, fieldName, fileId);
      await remover.removeFiles([row], 'deleted', ctx.caller.id || 'guest');
      await refreshField(collection, recordId, fieldName);
      await audit('file.deleted', ctx, { collection, recordId, field: fieldName, fileId, reason: 'deleted' });
    },

    /** A file for a caller the record's view rule admits. */
    async findForViewer(collection: string, recordId: string, fieldName: string, fileId: string, ctx: RecordsContext) {
      await deps.records.authorize(collection, recordId, 'view', ctx);
      return requireServable(await fileOf(collection, recordId, fieldName, fileId), ctx);
    },

    /** A signed link to a file the caller may view, valid `files.linkTtlSeconds`. */
    async createLink(collection: string, recordId: string, fieldName: string, fileId: string, ctx: RecordsContext) {
      await deps.records.authorize(collection, recordId, 'view', ctx);
      const row = await requireServable(await fileOf(collection, recordId, fieldName, fileId), ctx);
      const expiresAtSeconds = Math.floor(now() / 1000) + deps.linkTtlSeconds;
      return {
        url: signFileLink(deps.linkKey, row.id, expiresAtSeconds),
        expiresAt: new Date(expiresAtSeconds * 1000).toISOString(),
      };
    },

    /** The file a signed link names, if its signature holds and it has not expired. */
    async findForLink(fileId: string, link: { expires?: string; sig?: string }, ctx: RecordsContext) {
      if (!isValidFileLink(deps.linkKey, fileId, link.expires, link.sig, now())) {
        await auditRefusal('file.link.refused', ctx, { fileId: fileId.slice(0, 64) });
        throw appError('FILE_LINK_INVALID');
      }
      const row = await repo.findById(fileId);
      if (!row) throw appError('FILE_NOT_FOUND');
      return requireServable(row, ctx);
    },

    /** Waits for malware scans in flight (at shutdown, and in tests). */
    settle: async () => scans?.settle(),
  };
}

export type FilesService = ReturnType<typeof createFilesService>;
