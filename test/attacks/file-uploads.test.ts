import { beforeAll, describe, expect, it } from 'vitest';
import { newSignedInUser } from '../helpers/auth-client.js';
import {
  type Account,
  adminApi,
  auditEntries,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newApiKey,
  newUser,
  rawRows,
  recordsApi,
  uniqueName,
} from '../helpers/collections-client.js';
import {
  filesBase,
  multipartBody,
  PDF_MINIMAL,
  PNG_1X1,
  spooledFiles,
  storedFiles,
  upload,
} from '../helpers/files-client.js';
import { useTestApp } from '../helpers/test-app.js';

const OWNER_ONLY = {
  view: 'owner = @request.auth.id',
  create: 'owner = @request.auth.id',
  update: 'owner = @request.auth.id',
  delete: 'owner = @request.auth.id',
};

const HTML = '<!doctype html><html><body><script>fetch("/api/auth/me")</script></body></html>';
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>';
const SVG_WITH_PROLOG = `<?xml version="1.0" encoding="UTF-8"?>\n${SVG}`;

/**
 * Uploads are typed by their bytes, bounded while they stream, stored under server ids only,
 * and every way a multipart body can be malformed is our own problem, never the parser's.
 */
describe('file uploads', () => {
  let admin: Account;
  let alice: Account;
  let bob: Account;
  let docs: string;

  /** A fresh record of alice's in `docs`, and the upload URL of one of its fields. */
  const aliceRecord = async (field = 'pic') => {
    const record = await createRecord(app, docs, alice.headers, { owner: alice.id });
    return { id: record.id, url: filesBase(docs, record.id, field) };
  };

  const app = useTestApp({ logLevel: 'silent', env: { BULWARK_FILES_MAX_UPLOAD_BYTES: String(1024 * 1024) } });
  beforeAll(async () => {
    admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    bob = await newUser(app, 'bob');
    docs = uniqueName('docs');
    await createCollection(app, admin, {
      name: docs,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'pic', type: 'file', types: ['image/png', 'image/jpeg'], maxSizeBytes: 64 * 1024 },
        { name: 'papers', type: 'file', types: ['application/pdf'], maxSelect: 2 },
      ],
      rules: OWNER_ONLY,
    });
  });

  it.each([
    ['an HTML page', HTML],
    ['an SVG image with script', SVG],
    ['an SVG image with an XML prolog', SVG_WITH_PROLOG],
  ])('refuses %s named x.png and sent as image/png (415, content decides)', async (_label, data) => {
    const { url } = await aliceRecord();
    const before = storedFiles(app);
    const response = await upload(app, url, alice.headers, { filename: 'x.png', contentType: 'image/png', data });
    expectProblem(response, 415, 'FILE_TYPE_REFUSED');
    expect(response.json().detail).toContain('image/png, image/jpeg');
    expect(storedFiles(app)).toEqual(before);
    expect(spooledFiles(app)).toEqual([]);
    const refused = await auditEntries(app, 'file.upload.refused');
    expect(refused[0]?.details).toMatchObject({ collection: docs, field: 'pic', reason: 'type' });
  });

  it('names the detected type when the content is a known type the field does not take', async () => {
    const { url } = await aliceRecord();
    const response = await upload(app, url, alice.headers, { filename: 'cv.png', data: PDF_MINIMAL });
    expectProblem(response, 415, 'FILE_TYPE_REFUSED');
    expect(response.json().detail).toMatch(/application\/pdf.*image\/png/);
  });

  it('a PNG polyglot carrying HTML is kept and served only as image/png, nosniff and sandboxed', async () => {
    const { id, url } = await aliceRecord();
    const polyglot = Buffer.concat([PNG_1X1, Buffer.from(HTML)]);
    const created = await upload(app, url, alice.headers, {
      filename: 'x.html',
      contentType: 'text/html',
      data: polyglot,
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({ type: 'image/png', name: 'x.png', size: polyglot.length });
    const served = await app.http.inject({ url: `${url}/${created.json().id}`, headers: alice.headers });
    expect(served.statusCode).toBe(200);
    expect(served.headers['content-type']).toBe('image/png');
    expect(served.headers['x-content-type-options']).toBe('nosniff');
    expect(served.headers['content-security-policy']).toBe("default-src 'none'; sandbox; frame-ancestors 'none'");
    expect(served.headers['content-disposition']).toMatch(/^inline; filename="x\.png"/);
    expect(served.rawPayload.equals(polyglot)).toBe(true);
    await recordsApi(app, docs).remove(alice.headers, id);
  });

  it('refuses an upload twice the field’s limit with 413 and keeps nothing, in the store or the spool', async () => {
    const { id, url } = await aliceRecord();
    const data = Buffer.concat([PNG_1X1, Buffer.alloc(2 * 64 * 1024)]);
    const before = storedFiles(app);
    const response = await upload(app, url, alice.headers, { filename: 'big.png', data });
    expectProblem(response, 413, 'FILE_TOO_LARGE');
    expect(response.json().detail).toContain(String(64 * 1024));
    expect(storedFiles(app)).toEqual(before);
    expect(spooledFiles(app)).toEqual([]);
    expect((await rawRows(app, 'files'))?.filter((row) => row.record_id === id)).toEqual([]);
    const refused = await auditEntries(app, 'file.upload.refused');
    expect(refused[0]?.details).toMatchObject({ reason: 'too large', maxBytes: 64 * 1024 });
  });

  it.each([
    ['../../../etc/passwd.png', 'passwd.png'],
    ['%2e%2e%2f%2e%2e%2fx.png', '%2e%2e%2f%2e%2e%2fx.png'],
    ['..%5c..%5cx.png', '%5c..%5cx.png'],
    ['..\\..\\windows\\x.png', 'x.png'],
    ['.hidden.png', 'hidden.png'],
    ['invoice\u202Egnp.exe', 'invoicegnp.png'],
    ['a\u0000b\u001f\u007fc.png', 'abc.png'],
  ])('stores the name %j sanitised as %j, and the bytes under server ids only', async (filename, stored) => {
    const { id, url } = await aliceRecord();
    const response = await upload(app, url, alice.headers, { filename, data: PNG_1X1 });
    expect(response.statusCode, response.body).toBe(201);
    expect(response.json().name).toBe(stored);
    const paths = storedFiles(app).map((path) => path.slice(app.dataDir.length));
    expect(paths).toContain(`/files/${docs}/${id}/${response.json().id}`);
    for (const path of paths) expect(path).toMatch(/^\/files\/[a-z0-9_]+\/[0-9a-f-]{36}\/[0-9a-f-]{36}$/);
    await app.http.inject({ method: 'DELETE', url: `${url}/${response.json().id}`, headers: alice.headers });
  });

  it('only the update rule’s callers upload: another user and a guest get 404, nothing stored', async () => {
    const { url } = await aliceRecord();
    const before = storedFiles(app);
    for (const headers of [bob.headers, undefined]) {
      const response = await upload(app, url, headers, { filename: 'x.png', data: PNG_1X1 });
      expectProblem(response, 404, 'REC_NOT_FOUND');
    }
    expect(storedFiles(app)).toEqual(before);
    const denied = await auditEntries(app, 'records.write.denied');
    expect(denied[0]?.details).toMatchObject({ collection: docs, action: 'update' });
  });

  it('a cookie-authenticated upload needs the CSRF token like any unsafe request (403 without it)', async () => {
    const browser = await newSignedInUser(app, 'browser');
    const record = await createRecord(app, docs, admin.headers, { owner: browser.user.id });
    const { body, contentType } = multipartBody([{ name: 'file', filename: 'x.png', data: PNG_1X1 }]);
    const send = (headers: Record<string, string>) =>
      app.http.inject({
        method: 'POST',
        url: filesBase(docs, record.id, 'pic'),
        headers: { cookie: browser.cookie, 'content-type': contentType, ...headers },
        payload: body,
      });
    const before = storedFiles(app);
    expectProblem(await send({}), 403, 'AUTH_CSRF');
    expect(storedFiles(app)).toEqual(before);
    expect((await send({ 'x-csrf-token': browser.csrf })).statusCode).toBe(201);
    await recordsApi(app, docs).remove(admin.headers, record.id);
  });

  it('an API key uploads only with the files:write scope (records:write is not enough)', async () => {
    const { url } = await aliceRecord();
    const recordsKey = await newApiKey(app, alice, ['records:read', 'records:write']);
    expectProblem(await upload(app, url, recordsKey, { filename: 'x.png', data: PNG_1X1 }), 403, 'AUTH_FORBIDDEN');
    const filesKey = await newApiKey(app, alice, ['files:write']);
    expect((await upload(app, url, filesKey, { filename: 'x.png', data: PNG_1X1 })).statusCode).toBe(201);
  });

  it('multipart is accepted on the upload route only: a JSON route answers a form body with 415', async () => {
    const { body, contentType } = multipartBody([{ name: 'owner', data: alice.id }]);
    const response = await app.http.inject({
      method: 'POST',
      url: `/api/collections/${docs}/records`,
      headers: { ...alice.headers, 'content-type': contentType },
      payload: body,
    });
    expectProblem(response, 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE');
  });

  it('a file field is not writable through the JSON records API (400), on create and update', async () => {
    const api = recordsApi(app, docs);
    const forged = { id: '00000000-0000-4000-8000-000000000000', name: 'x.png', type: 'image/png', size: 1 };
    const created = await api.create(alice.headers, { owner: alice.id, pic: forged });
    expectProblem(created, 400, 'HTTP_VALIDATION');
    expect(created.json().errors).toContainEqual(expect.objectContaining({ field: 'pic', code: 'server_managed' }));
    const { id } = await aliceRecord();
    const updated = await api.update(alice.headers, id, { papers: [forged] });
    expectProblem(updated, 400, 'HTTP_VALIDATION');
    expect((await api.view(alice.headers, id)).json()).toMatchObject({ pic: null, papers: [] });
  });

  it('a single field keeps only its newest file: the replaced one loses its row and its bytes', async () => {
    const { id, url } = await aliceRecord();
    const first = (await upload(app, url, alice.headers, { filename: 'a.png', data: PNG_1X1 })).json();
    const second = (await upload(app, url, alice.headers, { filename: 'b.png', data: PNG_1X1 })).json();
    expect((await recordsApi(app, docs).view(alice.headers, id)).json().pic).toEqual({
      id: second.id,
      name: 'b.png',
      type: 'image/png',
      size: PNG_1X1.length,
    });
    const ids = (await rawRows(app, 'files'))?.filter((row) => row.record_id === id).map((row) => row.id);
    expect(ids).toEqual([second.id]);
    expect(storedFiles(app).some((path) => path.endsWith(first.id))).toBe(false);
    expectProblem(await app.http.inject({ url: `${url}/${first.id}`, headers: alice.headers }), 404, 'FILE_NOT_FOUND');
    await recordsApi(app, docs).remove(alice.headers, id);
  });

  it('two uploads at once to a single field leave one file, listed by the record and alone on disk', async () => {
    const { id, url } = await aliceRecord();
    const answers = await Promise.all(
      ['a.png', 'b.png', 'c.png'].map((filename) => upload(app, url, alice.headers, { filename, data: PNG_1X1 })),
    );
    expect(answers.map((answer) => answer.statusCode)).toEqual([201, 201, 201]);
    const rows = (await rawRows(app, 'files'))?.filter((row) => row.record_id === id) ?? [];
    expect(rows).toHaveLength(1);
    expect(storedFiles(app).filter((path) => path.includes(id))).toHaveLength(1);
    expect((await recordsApi(app, docs).view(alice.headers, id)).json().pic.id).toBe(rows[0]?.id);
    await recordsApi(app, docs).remove(alice.headers, id);
  });

  it('a multiple field takes up to maxSelect files, then 409 until one is deleted', async () => {
    const { id, url } = await aliceRecord('papers');
    const names = ['one.pdf', 'two.pdf'];
    const saved = [];
    for (const filename of names)
      saved.push((await upload(app, url, alice.headers, { filename, data: PDF_MINIMAL })).json());
    expectProblem(
      await upload(app, url, alice.headers, { filename: 'three.pdf', data: PDF_MINIMAL }),
      409,
      'FILE_FIELD_FULL',
    );
    const deleted = await app.http.inject({ method: 'DELETE', url: `${url}/${saved[0].id}`, headers: alice.headers });
    expect(deleted.statusCode).toBe(204);
    expect((await upload(app, url, alice.headers, { filename: 'three.pdf', data: PDF_MINIMAL })).statusCode).toBe(201);
    const listed = (await recordsApi(app, docs).view(alice.headers, id)).json().papers as Array<{ name: string }>;
    expect(listed.map((file) => file.name)).toEqual(['two.pdf', 'three.pdf']);
    expect((await auditEntries(app, 'file.deleted'))[0]?.details).toMatchObject({ fileId: saved[0].id });
    await recordsApi(app, docs).remove(alice.headers, id);
  });

  it('refuses file fields whose types cannot be recognised from bytes, or over the server ceiling (400)', async () => {
    for (const types of [['image/svg+xml'], ['text/html'], ['application/xml'], ['text/plain']]) {
      const response = await adminApi(app).create(admin.headers, {
        name: uniqueName('bad'),
        fields: [{ name: 'f', type: 'file', types }],
      });
      expectProblem(response, 400, 'COLL_INVALID');
      expect(response.json().errors[0]).toMatchObject({ field: 'fields.0.types.0', code: 'undetectable' });
    }
    const tooBig = await adminApi(app).create(admin.headers, {
      name: uniqueName('bad'),
      fields: [{ name: 'f', type: 'file', types: ['image/png'], maxSizeBytes: 2 * 1024 * 1024 }],
    });
    expectProblem(tooBig, 400, 'COLL_INVALID');
    expect(tooBig.json().errors[0]).toMatchObject({ field: 'fields.0.maxSizeBytes', code: 'max' });
  });

  describe('malformed multipart bodies are our own 400 or 415, never the parser’s words', () => {
    const boundary = 'XbOuNdArY';
    const type = `multipart/form-data; boundary=${boundary}`;
    const filePart = (name = 'file', extra = '') =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="x.png"\r\n${extra}Content-Type: image/png\r\n\r\n${PNG_1X1.toString('latin1')}\r\n`;
    const end = `--${boundary}--\r\n`;
    const cases: Array<[string, string, string, number, string]> = [
      ['no boundary in the Content-Type', 'multipart/form-data', filePart() + end, 400, 'FILE_MALFORMED_UPLOAD'],
      ['a body that never uses the boundary', type, 'just some bytes\r\n', 400, 'FILE_MALFORMED_UPLOAD'],
      ['a body cut off mid-part', type, filePart().slice(0, 120), 400, 'FILE_MALFORMED_UPLOAD'],
      ['an empty body', type, '', 400, 'FILE_MALFORMED_UPLOAD'],
      ['two file parts', type, filePart() + filePart() + end, 400, 'FILE_MALFORMED_UPLOAD'],
      [
        'a text field beside the file',
        type,
        `--${boundary}\r\nContent-Disposition: form-data; name="note"\r\n\r\nhi\r\n${filePart()}${end}`,
        400,
        'FILE_MALFORMED_UPLOAD',
      ],
      ['a file part with another name', type, filePart('avatar') + end, 400, 'FILE_MALFORMED_UPLOAD'],
      ['a part named __proto__', type, filePart('__proto__') + end, 400, 'FILE_MALFORMED_UPLOAD'],
      [
        'a text field named file (no file name)',
        type,
        `--${boundary}\r\nContent-Disposition: form-data; name="file"\r\n\r\nnot a file\r\n${end}`,
        400,
        'FILE_MALFORMED_UPLOAD',
      ],
      ['a JSON body', 'application/json', '{"file":"eA=="}', 415, 'FILE_NOT_MULTIPART'],
      ['a text body', 'text/plain', 'hello', 415, 'HTTP_UNSUPPORTED_MEDIA_TYPE'],
    ];

    it.each(cases)('%s', async (_label, contentType, payload, status, code) => {
      const { id, url } = await aliceRecord();
      const before = storedFiles(app);
      const response = await app.http.inject({
        method: 'POST',
        url,
        headers: { ...alice.headers, 'content-type': contentType },
        payload: Buffer.from(payload, 'latin1'),
      });
      expectProblem(response, status, code);
      for (const leak of ['FST_', 'busboy', 'Busboy', 'Unexpected end', 'boundary not found', '/tmp', '    at '])
        expect(response.body).not.toContain(leak);
      expect(storedFiles(app)).toEqual(before);
      expect(spooledFiles(app)).toEqual([]);
      expect((await recordsApi(app, docs).view(alice.headers, id)).json().pic).toBeNull();
    });
  });
});
