import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import type { HttpApp } from '../../../http/http-app.js';
import { GUEST, type RecordsContext, recordsContextOf } from '../../collections/index.js';
import type { FileStore } from '../file-store.js';
import type { FilesService } from '../files-service.js';
import { sendFile } from '../send-file.js';
import { FileParams, problem, SignedParams, SignedQuery } from './file-params.js';

const FILE_BODY = { description: 'The file’s bytes, typed as sniffed at upload' };

/**
 * Downloads: with the caller's credentials under the record's view rule, or through a signed
 * link minted under that rule. There is no route that lists files or folders.
 */
export function registerDownloadRoutes(app: HttpApp, deps: { files: FilesService; store: FileStore }): void {
  app.get(
    '/api/collections/:c/records/:id/files/:field/:fileId',
    {
      schema: {
        tags: ['files'],
        summary: 'Download a file with your credentials, if the record’s view rule allows',
        params: FileParams,
        response: { 200: FILE_BODY, 206: FILE_BODY, 404: problem, 409: problem, 416: problem },
      },
    },
    async (request, reply) => {
      const { c, id, field, fileId } = request.params;
      const row = await deps.files.findForViewer(c, id, field, fileId, recordsContextOf(request, 'files:read'));
      return sendFile(request, reply, deps.store, row);
    },
  );

  app.post(
    '/api/collections/:c/records/:id/files/:field/:fileId/link',
    {
      schema: {
        tags: ['files'],
        summary: 'A short-lived signed download link, if the record’s view rule allows',
        params: FileParams,
        response: {
          200: Type.Object({ url: Type.String(), expiresAt: Type.String({ format: 'date-time' }) }),
          404: problem,
          409: problem,
        },
      },
    },
    async (request) => {
      const { c, id, field, fileId } = request.params;
      return deps.files.createLink(c, id, field, fileId, recordsContextOf(request, 'files:read'));
    },
  );

  app.get(
    '/api/files/:fileId',
    {
      schema: {
        tags: ['files'],
        summary: 'Download a file through a signed link (no credentials needed until it expires)',
        params: SignedParams,
        querystring: SignedQuery,
        response: { 200: FILE_BODY, 206: FILE_BODY, 403: problem, 404: problem, 409: problem, 416: problem },
      },
    },
    async (request, reply) => {
      const { fileId } = request.params;
      const query = request.query;
      const row = await deps.files.findForLink(fileId, query, linkContext(request));
      return sendFile(request, reply, deps.store, row);
    },
  );
}

/** A signed link is its own authority: whoever presents it is treated alike, signed in or not. */
function linkContext(request: FastifyRequest): RecordsContext {
  return {
    caller: request.auth ? { ...GUEST, id: request.auth.user.id } : GUEST,
    isAdmin: false,
    ip: request.client.address,
    clientKey: request.client.key,
    requestId: String(request.id),
  };
}
