import type { FastifyRequest } from 'fastify';
import { type AppError, appError, isAppError } from '../../errors/index.js';
import type { UploadReader } from './files-service.js';
import { type SpooledUpload, spoolUpload } from './upload-spool.js';

/** The one part an upload carries, and its name. */
export const FILE_PART_NAME = 'file';

/**
 * Parser limits: one part, a file, no text fields, short names and few part headers. A body
 * with anything more is malformed for this route (400), so a client cannot make the parser
 * hold many fields or headers in memory.
 */
const partLimits = (maxBytes: number) => ({
  parts: 1,
  files: 1,
  fields: 0,
  fieldNameSize: 100,
  fieldSize: 0,
  headerPairs: 20,
  // One byte over: the spool counts and refuses first; this only stops the parser's own copy.
  fileSize: maxBytes + 1,
});

const malformed = (detail: string, cause?: unknown) =>
  appError('FILE_MALFORMED_UPLOAD', { detail, ...(cause === undefined ? {} : { cause }) });

/**
 * Reads the upload's single `file` part into a temporary file (upload-spool.ts). Every parser
 * error (a missing boundary, a truncated body, a part or field over the limits) becomes our own
 * FILE_MALFORMED_UPLOAD: busboy's and @fastify/multipart's messages and FST_* codes stay in the log.
 */
export function readMultipartUpload(request: FastifyRequest, spoolFolder: string): UploadReader {
  return async (maxBytes) => {
    if (!request.isMultipart()) throw appError('FILE_NOT_MULTIPART');
    let received: { upload: SpooledUpload; clientName: string } | undefined;
    try {
      const parts = request.parts({ limits: partLimits(maxBytes) });
      for await (const part of parts) {
        if (part.type !== 'file' || part.fieldname !== FILE_PART_NAME || received)
          throw malformed(`Send exactly one part, a file named "${FILE_PART_NAME}".`);
        received = { upload: await spoolUpload(part.file, spoolFolder, maxBytes), clientName: part.filename };
      }
    } catch (error) {
      await received?.upload.discard();
      discardRestOfBody(request);
      throw asUploadError(error);
    }
    if (!received) throw malformed(`The body holds no file part named "${FILE_PART_NAME}".`);
    return received;
  };
}

/**
 * After a refusal the parser is stopped and what is left of the body is read and dropped, not
 * parsed or kept, until the client stops sending (or `server.requestTimeoutMs` cuts it off).
 * Closing the socket at once instead would reset it under a client still writing, which then
 * never reads the 413 (EPIPE); leaving it paused behind the parser would hold it open for good.
 */
function discardRestOfBody(request: FastifyRequest): void {
  request.raw.unpipe();
  request.raw.resume();
}

function asUploadError(error: unknown): AppError {
  if (isAppError(error)) return error;
  return malformed('The multipart body could not be read.', error);
}
