import multipart from '@fastify/multipart';
import { Type } from '@sinclair/typebox';
import type { HttpApp } from '../../../http/http-app.js';
import { NoContent } from '../../../http/no-content.js';
import { recordsContextOf } from '../../collections/index.js';
import type { FilesService } from '../files-service.js';
import { readMultipartUpload } from '../multipart-upload.js';
import { FieldParams, FileParams, PublicFileSchema, problem } from './file-params.js';

/**
 * Uploading and deleting a record's files: the record's update rule decides. The multipart
 * parser is registered in this plugin's own context, so no other route accepts multipart bodies.
 */
export async function registerUploadRoutes(
  app: HttpApp,
  deps: { files: FilesService; spoolFolder: string },
): Promise<void> {
  await app.register(async (scope: HttpApp) => {
    await scope.register(multipart, { throwFileSizeLimit: false });
    scope.post(
      '/api/collections/:c/records/:id/files/:field',
      {
        schema: {
          tags: ['files'],
          summary: 'Upload one file (multipart part `file`) to a file field, if the update rule allows',
          description:
            'The type is read from the bytes and must be one the field lists; the size is checked while streaming.',
          params: FieldParams,
          response: {
            201: Type.Object({ ...PublicFileSchema.properties, status: Type.String() }),
            400: problem,
            404: problem,
            409: problem,
            413: problem,
            415: problem,
          },
        },
      },
      async (request, reply) => {
        const { c, id, field } = request.params;
        const read = readMultipartUpload(request, deps.spoolFolder);
        const saved = await deps.files.upload(c, id, field, read, recordsContextOf(request, 'files:write'));
        return reply.code(201).send(saved);
      },
    );
  });

  app.delete(
    '/api/collections/:c/records/:id/files/:field/:fileId',
    {
      schema: {
        tags: ['files'],
        summary: 'Delete one file of a record, if the update rule allows',
        params: FileParams,
        response: { 204: NoContent, 404: problem },
      },
    },
    async (request, reply) => {
      const { c, id, field, fileId } = request.params;
      await deps.files.remove(c, id, field, fileId, recordsContextOf(request, 'files:write'));
      return reply.code(204).send();
    },
  );
}
