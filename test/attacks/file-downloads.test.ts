import { createHmac } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  adminApi,
  auditEntries,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  rawRows,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import { filesBase, PDF_MINIMAL, PNG_1X1, storedFiles, upload } from '../helpers/files-client.js';
import { useTestApp } from '../helpers/test-app.js';

const OWNER_ONLY = {
  view: 'owner = @request.auth.id',
  create: 'owner = @request.auth.id',
  update: 'owner = @request.auth.id',
  delete: 'owner = @request.auth.id',
};
const SANDBOX_CSP = "default-src 'none'; sandbox; frame-ancestors 'none'";

/**
 * Downloads follow the record's view rule, or a short-lived signed link minted under it; every
 * file answer is inert in a browser; there is no way to a file outside the store or to a list.
 */
describe('file downloads', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;
  let docs: string;

  /** A record of alice's holding one uploaded file in `field`. */
  const aliceFile = async (field: 'pic' | 'paper', filename: string, data: Buffer) => {
    const record = await createRecord(app, docs, alice.headers, { owner: alice.id });
    const base = filesBase(docs, record.id, field);
    const uploaded = await upload(app, base, alice.headers, { filename, data });
    expect(uploaded.statusCode, uploaded.body).toBe(201);
    const fileId: string = uploaded.json().id;
    return { recordId: record.id, fileId, url: `${base}/${fileId}` };
  };
  const mintLink = async (url: string, headers = alice.headers) => {
    const response = await app.http.inject({ method: 'POST', url: `${url}/link`, headers });
    expect(response.statusCode, response.body).toBe(200);
    return response.json() as { url: string; expiresAt: string };
  };
  /** A link signed with the server's own key, so only the expiry or the path can be wrong. */
  const signWithServerKey = (path: string, expires: number) =>
    createHmac('sha256', app.deriveKey('file-links')).update(`${path}\n${expires}`).digest('base64url');

  const app = useTestApp({ logLevel: 'silent' });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
    docs = uniqueName('docs');
    await createCollection(app, admin, {
      name: docs,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'pic', type: 'file', types: ['image/png'] },
        { name: 'paper', type: 'file', types: ['application/pdf'] },
      ],
      rules: OWNER_ONLY,
    });
  });

  it('serves an inert image inline, anything else as an attachment, both typed by content and sandboxed', async () => {
    const image = await aliceFile('pic', 'photo.png', PNG_1X1);
    const paper = await aliceFile('paper', 'Résumé «final».exe', PDF_MINIMAL);
    const shown = await app.http.inject({ url: image.url, headers: alice.headers });
    expect(shown.headers['content-disposition']).toBe(`inline; filename="photo.png"; filename*=UTF-8''photo.png`);
    const saved = await app.http.inject({ url: paper.url, headers: alice.headers });
    expect(saved.statusCode).toBe(200);
    expect(saved.headers['content-type']).toBe('application/pdf');
    // RFC 6266 with the RFC 8187 form; the extension is the sniffed type's, not the client's.
    expect(saved.headers['content-disposition']).toBe(
      `attachment; filename="R_sum_ _final_.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%C2%ABfinal%C2%BB.pdf`,
    );
    for (const response of [shown, saved]) {
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['content-security-policy']).toBe(SANDBOX_CSP);
      expect(response.headers['cache-control']).toBe('private, no-store');
      expect(response.headers['accept-ranges']).toBe('bytes');
    }
    expect(saved.rawPayload.equals(PDF_MINIMAL)).toBe(true);
  });

  it('another user’s file is 404 with credentials, and no link can be minted for it; a guest gets 404 too', async () => {
    const { url } = await aliceFile('pic', 'private.png', PNG_1X1);
    for (const headers of [bob.headers, undefined]) {
      expectProblem(await app.http.inject({ url, headers: headers ?? {} }), 404, 'REC_NOT_FOUND');
      expectProblem(await app.http.inject({ method: 'POST', url: `${url}/link`, headers: headers ?? {} }), 404);
    }
    expect((await auditEntries(app, 'records.read.denied'))[0]?.details).toMatchObject({ collection: docs });
  });

  it('a signed link downloads without credentials until it expires, and is never cached', async () => {
    const { fileId, url } = await aliceFile('pic', 'shared.png', PNG_1X1);
    const link = await mintLink(url);
    expect(link.url).toMatch(new RegExp(`^/api/files/${fileId}\\?expires=\\d+&sig=[A-Za-z0-9_-]{43}$`));
    const expiresInSeconds = (Date.parse(link.expiresAt) - Date.now()) / 1000;
    expect(expiresInSeconds).toBeGreaterThan(240);
    expect(expiresInSeconds).toBeLessThanOrEqual(300);
    const response = await app.http.inject({ url: link.url });
    expect(response.statusCode).toBe(200);
    expect(response.headers['cache-control']).toBe('private, no-store');
    expect(response.headers['content-security-policy']).toBe(SANDBOX_CSP);
    expect(response.rawPayload.equals(PNG_1X1)).toBe(true);
  });

  it('a signed link replayed after expiry, with a changed expiry, for another file or tampered is refused (403)', async () => {
    const first = await aliceFile('pic', 'one.png', PNG_1X1);
    const second = await aliceFile('pic', 'two.png', PNG_1X1);
    const link = new URL(`http://x${(await mintLink(first.url)).url}`);
    const expires = Number(link.searchParams.get('expires'));
    const sig = link.searchParams.get('sig') ?? '';
    const past = Math.floor(Date.now() / 1000) - 1;
    const attempts = [
      // Signed with the server's own key, but already expired: only the clock refuses it.
      `/api/files/${first.fileId}?expires=${past}&sig=${signWithServerKey(`/api/files/${first.fileId}`, past)}`,
      `/api/files/${first.fileId}?expires=${expires + 3600}&sig=${sig}`,
      `/api/files/${second.fileId}?expires=${expires}&sig=${sig}`,
      `/api/files/${first.fileId}?expires=${expires}&sig=${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`,
      `/api/files/${first.fileId}?expires=${expires}`,
      `/api/files/${first.fileId}`,
    ];
    for (const attempt of attempts) {
      const response = await app.http.inject({ url: attempt });
      expectProblem(response, 403, 'FILE_LINK_INVALID');
      expect(response.body).not.toContain('PNG');
    }
    expect((await auditEntries(app, 'file.link.refused'))[0]?.details).toMatchObject({ fileId: first.fileId });
    expect((await app.http.inject({ url: `${link.pathname}${link.search}` })).statusCode).toBe(200);
  });

  it.each([
    '/api/files/..%2f..%2f..%2fetc%2fpasswd',
    '/api/files/%2e%2e%2f%2e%2e%2fmaster.key',
    '/api/files/..%5c..%5cbulwark.db',
  ])('a traversal in a signed download path (%s) is refused, never a file', async (path) => {
    const response = await app.http.inject({ url: `${path}?expires=9999999999&sig=${'A'.repeat(43)}` });
    expect([403, 404]).toContain(response.statusCode);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).not.toMatch(/root:|SQLite format|BEGIN/);
  });

  it('a traversal in a credentialed download path is refused, never a file', async () => {
    const { recordId } = await aliceFile('pic', 'x.png', PNG_1X1);
    const base = filesBase(docs, recordId, 'pic');
    for (const tail of [
      '..%2f..%2f..%2fmaster.key',
      '%2e%2e%2f%2e%2e%2fbulwark.db',
      '..%5c..%5cmaster.key',
      '..',
      '.',
    ]) {
      const response = await app.http.inject({ url: `${base}/${tail}`, headers: alice.headers });
      // Encoded traversal is an unknown file id (404); `..` and `.` are resolved by URL
      // normalisation onto the field's path, which only takes POST (405) or lacks an id (400).
      expect([400, 404, 405]).toContain(response.statusCode);
      if (tail.includes('%')) expect(response.statusCode).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).not.toMatch(/SQLite format/);
    }
  });

  it('no route lists files or folders', async () => {
    const { recordId } = await aliceFile('pic', 'x.png', PNG_1X1);
    for (const url of [
      '/api/files',
      '/api/files/',
      filesBase(docs, recordId, 'pic'),
      `/api/collections/${docs}/records/${recordId}/files`,
    ]) {
      const response = await app.http.inject({ url, headers: alice.headers });
      expect([400, 404, 405]).toContain(response.statusCode);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('serves one byte range (206), refuses one outside the file (416), and answers several with the whole file', async () => {
    const { url } = await aliceFile('paper', 'r.pdf', PDF_MINIMAL);
    const size = PDF_MINIMAL.length;
    const get = (range: string) => app.http.inject({ url, headers: { ...alice.headers, range } });
    const part = await get('bytes=1-3');
    expect(part.statusCode).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 1-3/${size}`);
    expect(part.rawPayload.toString()).toBe('PDF');
    const suffix = await get('bytes=-4');
    expect(suffix.statusCode).toBe(206);
    expect(suffix.rawPayload.equals(PDF_MINIMAL.subarray(size - 4))).toBe(true);
    const outside = await get(`bytes=${size}-`);
    expectProblem(outside, 416, 'FILE_RANGE_NOT_SATISFIABLE');
    expect(outside.headers['content-range']).toBe(`bytes */${size}`);
    const several = await get('bytes=0-1,4-5');
    expect(several.statusCode).toBe(200);
    expect(several.rawPayload.equals(PDF_MINIMAL)).toBe(true);
    const head = await app.http.inject({ method: 'HEAD', url, headers: alice.headers });
    expect(head.statusCode).toBe(200);
    expect(head.headers['content-length']).toBe(String(size));
    expect(head.body).toBe('');
  });

  it('deleting the record removes its files from disk and the table; its links stop working', async () => {
    const { recordId, fileId, url } = await aliceFile('pic', 'gone.png', PNG_1X1);
    const link = await mintLink(url);
    expect(storedFiles(app).some((path) => path.endsWith(fileId))).toBe(true);
    expect((await recordsApi(app, docs).remove(alice.headers, recordId)).statusCode).toBe(204);
    expect(storedFiles(app).some((path) => path.includes(recordId))).toBe(false);
    expect((await rawRows(app, 'files'))?.some((row) => row.id === fileId)).toBe(false);
    expectProblem(await app.http.inject({ url: link.url }), 404, 'FILE_NOT_FOUND');
  });

  it('dropping a file field, then deleting the collection, removes their files', async () => {
    const name = uniqueName('album');
    await createCollection(app, admin, {
      name,
      fields: [
        { name: 'cover', type: 'file', types: ['image/png'] },
        { name: 'scan', type: 'file', types: ['application/pdf'] },
      ],
    });
    const record = await createRecord(app, name, admin.headers, {});
    const cover = (
      await upload(app, filesBase(name, record.id, 'cover'), admin.headers, { filename: 'c.png', data: PNG_1X1 })
    ).json();
    const scan = (
      await upload(app, filesBase(name, record.id, 'scan'), admin.headers, { filename: 's.pdf', data: PDF_MINIMAL })
    ).json();
    const dropped = await adminApi(app).patch(admin.headers, name, {
      fields: [{ name: 'scan', type: 'file', types: ['application/pdf'] }],
      confirmDataLoss: true,
    });
    expect(dropped.statusCode, dropped.body).toBe(200);
    expect(storedFiles(app).some((path) => path.endsWith(cover.id))).toBe(false);
    expect(storedFiles(app).some((path) => path.endsWith(scan.id))).toBe(true);
    expect((await adminApi(app).remove(admin.headers, name, true)).statusCode).toBe(204);
    expect(storedFiles(app).some((path) => path.includes(`/files/${name}/`))).toBe(false);
    expect((await rawRows(app, 'files'))?.filter((row) => row.collection === name)).toEqual([]);
  });
});
