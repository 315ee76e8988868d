import { Readable } from 'node:stream';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { type AppError, appError } from '../../errors/index.js';
import type { FileStore } from './file-store.js';
import { assertStoreKey } from './store-key.js';

export interface S3StoreOptions {
  /** An S3-compatible endpoint (`https://s3.example.com`); unset: AWS's own for `region`. */
  endpoint?: string | undefined;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key` (most S3-compatible servers). */
  forcePathStyle: boolean;
  /** Prepended to every key (`bulwark/`), so one bucket can hold other things too. */
  prefix?: string | undefined;
  /** A connection not made within this time fails (a store that is down answers quickly). */
  connectTimeoutMs?: number;
  /** A request whose socket stays silent this long fails (a store that hangs). */
  idleTimeoutMs?: number;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_IDLE_TIMEOUT_MS = 30_000;
/** `/api/ready` answers within this time even when the store accepts connections but hangs. */
const PROBE_TIMEOUT_MS = 5000;
const SILENT_LOGGER = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
/** Seconds a client should wait before retrying when the store did not answer. */
const STORE_DOWN_RETRY_AFTER_SECONDS = 5;

/**
 * A file store on an S3-compatible bucket (AWS S3, MinIO, Ceph, R2, …) through the AWS SDK v3.
 * Nothing of the SDK reaches a caller: every failure of the store becomes our own
 * `FILE_STORE_UNAVAILABLE` (503 with Retry-After), with a cause that names the operation and
 * the error's kind only (never an SDK message, a URL with credentials or a signature dump).
 *
 * @example
 * const store = createS3Store({ region: 'eu-west-1', bucket: 'uploads', accessKeyId, secretAccessKey, forcePathStyle: false });
 * await store.put(`photos/${recordId}/${fileId}`, stream, { sizeBytes, contentType: 'image/png' });
 */
export function createS3Store(options: S3StoreOptions): FileStore {
  const client = new S3Client({
    ...(options.endpoint ? { endpoint: options.endpoint } : {}),
    region: options.region,
    credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
    forcePathStyle: options.forcePathStyle,
    // A streamed body cannot be sent twice, so the SDK must not retry an upload; a failed call
    // is answered 503 with Retry-After and the client tries again.
    maxAttempts: 1,
    // The SDK's default logger is the console; its warnings would bypass our redacting logger.
    logger: SILENT_LOGGER,
    // Checksums only where S3 requires them: the default (aws-chunked bodies with trailing
    // CRCs) is not spoken by many S3-compatible servers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: {
      connectionTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      requestTimeout: options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS,
    },
  });
  const bucket = options.bucket;
  const objectKey = (key: string): string => {
    assertStoreKey(key);
    return (options.prefix ?? '') + key;
  };

  return {
    kind: 's3',

    async put(key, body, info) {
      const target = objectKey(key);
      const watch = abortWhenSourceFails(body);
      try {
        await putAtomically(client, { Bucket: bucket, Key: target }, body, info, watch.signal);
      } catch (error) {
        if (watch.sourceFailed()) throw new Error('the file stream ended before all its bytes were stored');
        throw storeUnavailable('put', error);
      } finally {
        watch.release();
      }
    },

    async get(key, range) {
      const target = objectKey(key);
      if (range && !isByteRange(range)) throw new Error('refused an invalid byte range');
      try {
        const output = await client.send(
          new GetObjectCommand({
            Bucket: bucket,
            Key: target,
            ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
          }),
        );
        if (!(output.Body instanceof Readable)) throw new Error('the S3 client returned no Node stream');
        return output.Body;
      } catch (error) {
        if (isNotFound(error)) return null;
        throw storeUnavailable('get', error);
      }
    },

    async delete(key) {
      const target = objectKey(key);
      try {
        // DeleteObject succeeds for a key that is already gone.
        await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: target }));
      } catch (error) {
        if (isNotFound(error)) return;
        throw storeUnavailable('delete', error);
      }
    },

    async probe() {
      try {
        await client.send(new HeadBucketCommand({ Bucket: bucket }), {
          abortSignal: AbortSignal.timeout(PROBE_TIMEOUT_MS),
        });
        return true;
      } catch {
        return false;
      }
    },

    async close() {
      client.destroy();
    },
  };
}

/**
 * Stores the body as a one-part multipart upload, so the object appears only when the whole part
 * has arrived (CompleteMultipartUpload) and never half-written. A plain PutObject cut off
 * mid-way is discarded by AWS S3 itself, but not by every compatible server: s3rver, for one,
 * serves the bytes that arrived, and a delete sent after the failure can overtake the failed
 * request. An upload that fails is aborted (best effort: the store may be down; a bucket
 * lifecycle rule `AbortIncompleteMultipartUpload` clears what is left, and it is never an object).
 */
async function putAtomically(
  client: S3Client,
  target: { Bucket: string; Key: string },
  body: Readable,
  info: { sizeBytes: number; contentType: string },
  signal: AbortSignal,
): Promise<void> {
  const { UploadId } = await client.send(
    new CreateMultipartUploadCommand({ ...target, ContentType: info.contentType }),
    { abortSignal: signal },
  );
  if (!UploadId) throw new Error('the store started no upload');
  try {
    // The length is known from the upload, so the body streams as it is: no buffering, no
    // chunked encoding, and the store checks that every byte arrived.
    const { ETag } = await client.send(
      new UploadPartCommand({ ...target, UploadId, PartNumber: 1, Body: body, ContentLength: info.sizeBytes }),
      { abortSignal: signal },
    );
    await client.send(
      new CompleteMultipartUploadCommand({
        ...target,
        UploadId,
        MultipartUpload: { Parts: [{ PartNumber: 1, ETag }] },
      }),
    );
  } catch (error) {
    await client.send(new AbortMultipartUploadCommand({ ...target, UploadId })).catch(() => undefined);
    throw error;
  }
}

/**
 * An abort signal for the request that fires when the body fails or is destroyed before its
 * end (an upload cut off mid-way). The SDK pipes the body into the request, and `pipe` does not
 * pass a source's failure on: without this the request would hang until the idle timeout, and
 * with it the connection is cut so the store keeps nothing.
 */
function abortWhenSourceFails(body: Readable) {
  const controller = new AbortController();
  let failed = false;
  const onError = () => {
    failed = true;
    controller.abort();
  };
  const onClose = () => {
    if (!body.readableEnded) onError();
  };
  body.on('error', onError);
  body.on('close', onClose);
  return {
    signal: controller.signal,
    sourceFailed: () => failed,
    release: () => {
      body.off('error', onError);
      body.off('close', onClose);
    },
  };
}

function isByteRange(range: { start: number; end: number }): boolean {
  return (
    Number.isSafeInteger(range.start) && Number.isSafeInteger(range.end) && range.start >= 0 && range.end >= range.start
  );
}

interface SdkErrorShape {
  name?: unknown;
  code?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

function isNotFound(error: unknown): boolean {
  const shape = (error ?? {}) as SdkErrorShape;
  return shape.name === 'NoSuchKey' || shape.name === 'NotFound' || shape.$metadata?.httpStatusCode === 404;
}

/**
 * Our own 503. The cause (logged, never sent) keeps only the operation, the error's name, its
 * socket code and the HTTP status: SDK errors can carry the endpoint, the request's canonical
 * form and the server's XML, none of which belongs in a log line.
 */
function storeUnavailable(operation: string, error: unknown): AppError {
  const shape = (error ?? {}) as SdkErrorShape;
  const kind = [shape.name, shape.code, shape.$metadata?.httpStatusCode].filter((part) => part !== undefined);
  return appError('FILE_STORE_UNAVAILABLE', {
    detail: 'The file store could not be reached; try again shortly.',
    expose: true,
    headers: { 'retry-after': String(STORE_DOWN_RETRY_AFTER_SECONDS) },
    cause: new Error(`S3 ${operation} failed (${kind.map(String).join(' ') || 'unknown error'})`),
  });
}
