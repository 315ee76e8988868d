import type { FastifyReply, FastifyRequest } from 'fastify';
import { appError } from '../../errors/index.js';
import { parseRange } from './byte-range.js';
import { contentDisposition } from './file-names.js';
import type { FileStore } from './file-store.js';
import { FILE_CSP, INLINE_TYPES } from './file-types.js';
import type { FileRow } from './files-repo.js';

/**
 * Sends a file with the headers that keep it inert in a browser: its sniffed type with
 * `nosniff`, a sandboxing CSP, `attachment` unless it is an inert raster image, and no caching
 * by anyone (`private, no-store`: a signed link must not outlive its expiry in a cache). One
 * byte range is honoured (206); several get the whole file.
 */
export async function sendFile(request: FastifyRequest, reply: FastifyReply, store: FileStore, row: FileRow) {
  const size = row.size_bytes;
  const range = parseRange(request.headers.range, size);
  if (range.kind === 'unsatisfiable')
    throw appError('FILE_RANGE_NOT_SATISFIABLE', { headers: { 'content-range': `bytes */${size}` } });
  const part = range.kind === 'part' && size > 0 ? { start: range.start, end: range.end } : undefined;
  const body = size === 0 ? null : await store.get(row.store_key, part);
  if (!body && size > 0) throw appError('FILE_NOT_FOUND');
  reply.headers({
    'content-type': row.type,
    'x-content-type-options': 'nosniff',
    'content-security-policy': FILE_CSP,
    'content-disposition': contentDisposition(INLINE_TYPES.has(row.type) ? 'inline' : 'attachment', row.name),
    'cache-control': 'private, no-store',
    'accept-ranges': 'bytes',
  });
  if (part) {
    reply.code(206).header('content-range', `bytes ${part.start}-${part.end}/${size}`);
    reply.header('content-length', String(part.end - part.start + 1));
  } else {
    reply.header('content-length', String(size));
  }
  return reply.send(body ?? '');
}
