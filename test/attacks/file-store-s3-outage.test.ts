import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyPng } from '../fixtures/scan-samples.js';
import {
  type Account,
  createCollection,
  createRecord,
  expectProblem,
  newAdmin,
  newUser,
  uniqueName,
} from '../helpers/collections-client.js';
import { filesBase, upload } from '../helpers/files-client.js';
import { type S3TestServer, s3StorageEnv, startS3Server } from '../helpers/s3-server.js';
import { createTestApp, type TestApp, useTestApp } from '../helpers/test-app.js';

/**
 * The S3-compatible store through the running app when it cannot be reached (a closed port) or
 * goes down after storing a file (a real s3rver, stopped): our own 503 with Retry-After on
 * uploads and downloads, nothing of the S3 client in any answer, nothing kept, the keys in no
 * log line, and `/api/ready` naming the store.
 */
const S3_SECRET = 'bulwark-test-s3-secret-3b9d20';
/** What no answer may carry: the SDK's name and fields, socket codes, the store's address. */
const SDK_TEXT = [/aws/i, /ECONNREFUSED/, /127\.0\.0\.1/, /\$metadata/, /S3RVER/, /stack/i];

/** A collection anyone may use, with one PNG field. */
async function pictures(app: TestApp): Promise<{ alice: Account; collection: string }> {
  const admin = await newAdmin(app);
  const alice = await newUser(app, 'alice');
  const collection = uniqueName('pictures');
  await createCollection(app, admin, {
    name: collection,
    fields: [
      { name: 'owner', type: 'relation', collection: 'users' },
      { name: 'pic', type: 'file', types: ['image/png'] },
    ],
    rules: { view: '', create: '', update: '', delete: '' },
  });
  return { alice, collection };
}

describe('S3 store unreachable', () => {
  /** Not an S3 server: nothing listens on the discard port. */
  const closed = { endpoint: 'http://127.0.0.1:9', bucket: 'unreachable', accessKeyId: 'BULWARKTESTKEY7Q' };
  let alice: Account;
  let collection: string;

  const app = useTestApp({ env: s3StorageEnv(closed, S3_SECRET) });
  beforeAll(async () => {
    ({ alice, collection } = await pictures(app));
  });

  it('an upload answers 503 FILE_STORE_UNAVAILABLE with Retry-After, nothing of the SDK, and keeps nothing', async () => {
    const record = await createRecord(app, collection, alice.headers, { owner: alice.id });
    const response = await upload(app, filesBase(collection, record.id, 'pic'), alice.headers, {
      filename: 'x.png',
      data: tinyPng(),
    });
    expectProblem(response, 503, 'FILE_STORE_UNAVAILABLE');
    expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
    expect(response.json().detail).toBe('The file store could not be reached; try again shortly.');
    for (const text of SDK_TEXT) expect(response.body).not.toMatch(text);
    const stored = await app.http.inject({
      url: `/api/collections/${collection}/records/${record.id}`,
      headers: alice.headers,
    });
    expect(stored.json().pic).toBeNull();
  });

  it('the log names the failed S3 operation but never the keys', () => {
    expect(app.logs.text).toMatch(/S3 put failed/);
    expect(app.logs.text).not.toContain(S3_SECRET);
    expect(app.logs.text).not.toContain(closed.accessKeyId);
  });

  it('/api/ready answers 503 naming the file store', async () => {
    const ready = await app.http.inject({ url: '/api/ready' });
    expectProblem(ready, 503, 'HTTP_UNAVAILABLE');
    expect(ready.json().detail).toContain('files');
  });
});

describe('S3 store that goes down after a file was stored', () => {
  let server: S3TestServer;
  let app: TestApp;

  beforeAll(async () => {
    server = await startS3Server('bulwark-going-down');
    app = await createTestApp({ logLevel: 'silent', env: s3StorageEnv(server, S3_SECRET) });
    await app.http.ready();
  });
  afterAll(async () => {
    await app?.close();
    await server?.close();
  });

  it('a download answers 503 FILE_STORE_UNAVAILABLE with Retry-After, with credentials and through a signed link', async () => {
    const { alice, collection } = await pictures(app);
    const record = await createRecord(app, collection, alice.headers, { owner: alice.id });
    const url = filesBase(collection, record.id, 'pic');
    const created = await upload(app, url, alice.headers, { filename: 'x.png', data: tinyPng() });
    expect(created.statusCode, created.body).toBe(201);
    const fileUrl = `${url}/${created.json().id}`;
    const link = (await app.http.inject({ method: 'POST', url: `${fileUrl}/link`, headers: alice.headers })).json();
    expect((await app.http.inject({ url: fileUrl, headers: alice.headers })).statusCode).toBe(200);

    await server.close();
    const withCredentials = await app.http.inject({ url: fileUrl, headers: alice.headers });
    const throughLink = await app.http.inject({ url: link.url });
    for (const response of [withCredentials, throughLink]) {
      expectProblem(response, 503, 'FILE_STORE_UNAVAILABLE');
      expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
      for (const text of SDK_TEXT) expect(response.body).not.toMatch(text);
    }
    const ready = await app.http.inject({ url: '/api/ready' });
    expectProblem(ready, 503, 'HTTP_UNAVAILABLE');
    expect(ready.json().detail).toContain('files');
  });
});
