import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../test/helpers/redis-server.js';
import { type S3TestServer, startS3Server } from '../../../test/helpers/s3-server.js';
import { isAppError } from '../../errors/index.js';
import type { FileStore } from './file-store.js';
import { createS3Store, type S3StoreOptions } from './s3-store.js';

/**
 * The S3 store against a real S3-compatible server (s3rver on loopback, objects as files in a
 * temp folder): what it stores, what it leaves behind when an upload is cut off, and what a
 * caller sees when the store is down (our own code, nothing of the SDK).
 */
let server: S3TestServer;
let store: FileStore;
const opened: FileStore[] = [];

function storeWith(overrides: Partial<S3StoreOptions> = {}): FileStore {
  const created = createS3Store({
    endpoint: server.endpoint,
    region: 'us-east-1',
    bucket: server.bucket,
    accessKeyId: server.accessKeyId,
    secretAccessKey: server.secretAccessKey,
    forcePathStyle: true,
    prefix: 'bulwark/',
    ...overrides,
  });
  opened.push(created);
  return created;
}

/** A key of the server's own shape: `<collection>/<record id>/<file id>`. */
const newKey = () => `photos/${randomUUID()}/${randomUUID()}`;

/** Every file s3rver keeps for the bucket, so a test sees more than the S3 API answers. */
function filesOnServer(): string[] {
  return readdirSync(server.directory, { recursive: true, encoding: 'utf8' });
}

/** A body that sends `sentBytes` of the announced size, then fails like a cut-off upload. */
function cutOffBody(sentBytes: number): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (sent) return;
      sent = true;
      this.push(randomBytes(sentBytes));
      setImmediate(() => this.destroy(new Error('client went away')));
    },
  });
}

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

beforeAll(async () => {
  server = await startS3Server();
  store = storeWith();
});

afterAll(async () => {
  for (const each of opened) await each.close();
  await server.close();
});

describe('S3 store on a real S3-compatible server', () => {
  it('stores a stream and gives back the whole object and an inclusive byte range', async () => {
    const bytes = randomBytes(200_000);
    const key = newKey();
    await store.put(key, Readable.from([bytes.subarray(0, 70_000), bytes.subarray(70_000)]), {
      sizeBytes: bytes.length,
      contentType: 'image/png',
    });

    const whole = await store.get(key);
    expect(whole).not.toBeNull();
    expect((await buffer(whole as Readable)).equals(bytes)).toBe(true);
    const part = await store.get(key, { start: 10, end: 19 });
    expect((await buffer(part as Readable)).equals(bytes.subarray(10, 20))).toBe(true);
    expect(filesOnServer().some((path) => path.includes(`bulwark/${key}`))).toBe(true);
  });

  it('deletes an object, and deleting it again is no error', async () => {
    const key = newKey();
    await store.put(key, Readable.from([Buffer.from('bytes')]), { sizeBytes: 5, contentType: 'text/plain' });
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
    await expect(store.delete(key)).resolves.toBeUndefined();
  });

  it('answers null for a key it does not hold', async () => {
    expect(await store.get(newKey())).toBeNull();
  });

  it('probes the bucket: reachable, and not when the bucket does not exist', async () => {
    expect(await store.probe()).toBe(true);
    expect(await storeWith({ bucket: 'no-such-bucket' }).probe()).toBe(false);
  });

  it('keeps nothing of an upload cut off mid-way, and fails instead of hanging', async () => {
    const key = newKey();
    const error = await rejectionOf(
      store.put(key, cutOffBody(64 * 1024), { sizeBytes: 1024 * 1024, contentType: 'image/png' }),
    );
    expect(error).toBeInstanceOf(Error);
    expect(await store.get(key)).toBeNull();
    expect(filesOnServer().filter((path) => path.includes(key.split('/')[2] as string))).toEqual([]);
  });

  it.each(['../escape', 'a/../../escape', '/etc/passwd', '..', 'photo.png', '%2e%2e%2fescape', 'a\\b', 'a//b', ''])(
    'refuses the key %j before the store sees it',
    async (key) => {
      await expect(
        store.put(key, Readable.from([Buffer.from('x')]), { sizeBytes: 1, contentType: 'text/plain' }),
      ).rejects.toThrow(/not of the server’s own shape/);
      await expect(store.get(key)).rejects.toThrow(/not of the server’s own shape/);
      await expect(store.delete(key)).rejects.toThrow(/not of the server’s own shape/);
      expect(filesOnServer().filter((path) => path.includes('escape') || path.includes('passwd'))).toEqual([]);
    },
  );
});

describe('S3 store that cannot be reached', () => {
  /** What no caller may see: SDK names and messages, addresses, socket codes, the secret. */
  const SDK_TEXT = [/aws/i, /sdk/i, /ECONNREFUSED/, /127\.0\.0\.1/, /\$metadata/, /S3RVER/, /Signature/i, /xml/i];

  function expectOurUnavailable(error: unknown) {
    expect(isAppError(error)).toBe(true);
    if (!isAppError(error)) return;
    expect(error.code).toBe('FILE_STORE_UNAVAILABLE');
    expect(error.status).toBe(503);
    expect(Number(error.headers['retry-after'])).toBeGreaterThan(0);
    expect(error.detail).toMatch(/file store could not be reached/);
    for (const text of SDK_TEXT) expect(`${error.message} ${error.detail}`).not.toMatch(text);
  }

  it('maps a closed port to FILE_STORE_UNAVAILABLE on every operation, with no SDK text', async () => {
    const down = storeWith({ endpoint: `http://127.0.0.1:${await freePort()}` });
    const body = Readable.from([Buffer.from('hello')]);
    const key = newKey();
    expectOurUnavailable(await rejectionOf(down.put(key, body, { sizeBytes: 5, contentType: 'text/plain' })));
    expectOurUnavailable(await rejectionOf(down.get(key)));
    expectOurUnavailable(await rejectionOf(down.delete(key)));
    expect(await down.probe()).toBe(false);
  });

  it('maps refused credentials to FILE_STORE_UNAVAILABLE, and the keys are in no part of the error', async () => {
    // s3rver checks the access key id (not V4 signatures), so an unknown id is what it refuses.
    const wrong = storeWith({ accessKeyId: 'UNKNOWNKEY7Q2', secretAccessKey: 'not-the-secret-4f1c9a' });
    const key = newKey();
    const error = await rejectionOf(
      wrong.put(key, Readable.from([Buffer.from('hello')]), { sizeBytes: 5, contentType: 'text/plain' }),
    );
    expectOurUnavailable(error);
    const cause = (error as Error).cause as Error;
    expect(cause.message).toMatch(/^S3 put failed \(/);
    const everything = JSON.stringify({
      error,
      detail: (error as Error).message,
      cause: cause.message,
      stack: cause.stack,
    });
    expect(everything).not.toContain('not-the-secret-4f1c9a');
    expect(everything).not.toContain('UNKNOWNKEY7Q2');
    expect(await store.get(key)).toBeNull();
  });
});
