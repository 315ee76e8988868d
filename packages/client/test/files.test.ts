import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCollection, newAdmin } from '../../../test/helpers/collections-client.js';
import { PDF_MINIMAL, PNG_1X1 } from '../../../test/helpers/files-client.js';
import { type createClient, isBulwarkError, type RecordFile } from '../src/index.js';
import { bearerClient, cookieClient, PASSWORD, type RunningServer, startServer, uniqueEmail } from './server.js';

/**
 * Files through the client: a multipart upload from a Blob, a signed link that downloads the same
 * bytes without credentials, a type the field does not list refused, and a delete. In bearer mode
 * and in cookie mode (where the upload, a multipart POST, must carry the CSRF token).
 */
let server: RunningServer;

beforeAll(async () => {
  server = await startServer();
  const admin = await newAdmin(server.app);
  await createCollection(server.app, admin, {
    name: 'albums',
    fields: [
      { name: 'title', type: 'text', required: true },
      { name: 'owner', type: 'relation', collection: 'users' },
      { name: 'cover', type: 'file', types: ['image/png'] },
    ],
    rules: {
      list: 'owner = @request.auth.id',
      view: 'owner = @request.auth.id',
      create: 'owner = @request.auth.id',
      update: 'owner = @request.auth.id',
      delete: 'owner = @request.auth.id',
    },
  });
});
afterAll(() => server.app.close());

/** The test clients are typed for notes; this collection's records have a file field. */
type Albums = { albums: { title: string; owner: string; cover?: RecordFile | null } };
const albumsOf = (client: unknown) => (client as ReturnType<typeof createClient<Albums>>).collection('albums');

const png = () => new Blob([new Uint8Array(PNG_1X1)], { type: 'image/png' });

describe('files through the client', () => {
  for (const mode of ['bearer', 'cookie'] as const) {
    it(`uploads, links, downloads and deletes a file (${mode} mode)`, async () => {
      const { client } = mode === 'bearer' ? bearerClient(server.url) : cookieClient(server.url);
      const email = uniqueEmail(`files-${mode}`);
      const owner = (await client.auth.signUp({ email, password: PASSWORD })).user?.id as string;
      await client.auth.signIn({ email, password: PASSWORD });
      const albums = albumsOf(client);
      const album = await albums.create({ title: 'holiday', owner });

      const uploaded = await albums.uploadFile(album.id, 'cover', png(), 'beach <1>.png');
      expect(uploaded).toMatchObject({ name: 'beach <1>.png', type: 'image/png', size: PNG_1X1.length });
      expect((await albums.view(album.id)).cover).toMatchObject({ id: uploaded.id, name: 'beach <1>.png' });

      const link = await albums.fileLink(album.id, 'cover', uploaded.id);
      expect(link.url.startsWith(`${server.url}/api/files/`)).toBe(true);
      const download = await fetch(link.url);
      expect(download.status).toBe(200);
      expect(Buffer.from(await download.arrayBuffer()).equals(PNG_1X1)).toBe(true);

      const refused = await albums
        .uploadFile(album.id, 'cover', new Blob([new Uint8Array(PDF_MINIMAL)]), 'paper.png')
        .catch((error: unknown) => error);
      expect(isBulwarkError(refused) && refused.status).toBe(415);

      await albums.deleteFile(album.id, 'cover', uploaded.id);
      expect((await albums.view(album.id)).cover).toBeNull();
    });
  }
});
