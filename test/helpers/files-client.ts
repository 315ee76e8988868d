import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import type { TestApp } from './test-app.js';

/** A part of a hand-built multipart body: a file (with a name and a claimed type) or a text field. */
export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  data: Buffer | string;
}

/**
 * A `multipart/form-data` body built byte by byte, so tests can send exactly what an attacker
 * would: a lying file name and Content-Type, extra parts, odd headers.
 */
export function multipartBody(parts: Part[], boundary = `----bulwark${randomBytes(8).toString('hex')}`) {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename === undefined ? '' : `; filename="${part.filename}"`}`;
    const head = [`--${boundary}`, `Content-Disposition: ${disposition}`];
    if (part.contentType) head.push(`Content-Type: ${part.contentType}`);
    chunks.push(Buffer.from(`${head.join('\r\n')}\r\n\r\n`), Buffer.from(part.data), Buffer.from('\r\n'));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}` };
}

/** The smallest valid PNG: 1×1, one transparent pixel. */
export const PNG_1X1 = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

/** A minimal PDF file-type recognises as application/pdf. */
export const PDF_MINIMAL = Buffer.from('%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n');

export const filesBase = (collection: string, recordId: string, field: string) =>
  `/api/collections/${collection}/records/${recordId}/files/${field}`;

/** Uploads one file part named `file` by inject. */
export function upload(
  app: TestApp,
  url: string,
  headers: Record<string, string> | undefined,
  file: { filename: string; contentType?: string; data: Buffer | string },
): Promise<LightMyRequestResponse> {
  const { body, contentType } = multipartBody([{ name: 'file', ...file }]);
  return app.http.inject({ method: 'POST', url, headers: { ...headers, 'content-type': contentType }, payload: body });
}

/** Every file under a folder, recursively (empty when the folder does not exist). */
export function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  return readdirSync(folder, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

/** The store's folder and the upload spool of a test app. */
export const storedFiles = (app: TestApp) => filesUnder(join(app.dataDir, 'files'));
export const spooledFiles = (app: TestApp) => filesUnder(join(app.dataDir, 'uploads-tmp'));
