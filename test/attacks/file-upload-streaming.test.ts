import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Account,
  createCollection,
  createRecord,
  newAdmin,
  newUser,
  rawRows,
  uniqueName,
} from '../helpers/collections-client.js';
import { filesBase, spooledFiles, storedFiles } from '../helpers/files-client.js';
import { peakMemoryGrowth, streamUpload } from '../helpers/streamed-upload.js';
import { useTestApp } from '../helpers/test-app.js';

const MiB = 1024 * 1024;
/** The upload of the memory test: 64 times the field's cap. */
const UPLOAD_BYTES = 64 * MiB;
/** Longest wait for the server to react to a socket event; a test failure, not a pace. */
const REACTION_DEADLINE_MS = 10_000;

/** Waits until `condition` holds, failing the test if it does not within the deadline. */
async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + REACTION_DEADLINE_MS;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`never saw: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Uploads over a real socket: the size cap is enforced while the bytes stream (they are never
 * held whole in memory), and a client that hangs up mid-body leaves nothing behind.
 */
describe('file uploads over a real socket', () => {
  let baseUrl: string;
  let alice: Account;
  let docs: string;

  const aliceRecord = async () => {
    const record = await createRecord(app, docs, alice.headers, { owner: alice.id });
    return { id: record.id, url: `${baseUrl}${filesBase(docs, record.id, 'pic')}` };
  };

  const app = useTestApp({ logLevel: 'silent', env: { BULWARK_FILES_MAX_UPLOAD_BYTES: String(MiB) } });
  beforeAll(async () => {
    baseUrl = await app.start();
    const admin = await newAdmin(app);
    alice = await newUser(app, 'alice');
    docs = uniqueName('docs');
    await createCollection(app, admin, {
      name: docs,
      fields: [
        { name: 'owner', type: 'relation', collection: 'users' },
        { name: 'pic', type: 'file', types: ['image/png'], maxSizeBytes: MiB },
      ],
      rules: {
        view: 'owner = @request.auth.id',
        create: 'owner = @request.auth.id',
        update: 'owner = @request.auth.id',
      },
    });
  });

  it('a 64 MiB upload against a 1 MiB cap: 413 early, memory flat, nothing on disk', async () => {
    const { id, url } = await aliceRecord();
    const { result, heapBytes, rssBytes } = await peakMemoryGrowth(() =>
      streamUpload(url, alice.headers, UPLOAD_BYTES),
    );
    expect(result?.status, result?.body).toBe(413);
    expect(JSON.parse(result?.body ?? '{}').code).toBe('FILE_TOO_LARGE');
    // The answer came once the cap was passed, before the whole body (client and server share
    // one event loop here, so how far the client got by then varies: 8–20 MiB were measured).
    expect(result?.sentBytes).toBeLessThan(UPLOAD_BYTES);
    // Buffering the upload would grow memory by its size; streaming costs the socket's chunks
    // (about 8 MiB arrive before the answer) and their garbage, measured at 5–18 MiB.
    expect(heapBytes).toBeLessThan(32 * MiB);
    expect(rssBytes).toBeLessThan(48 * MiB);
    expect(storedFiles(app)).toEqual([]);
    expect(spooledFiles(app)).toEqual([]);
    expect((await rawRows(app, 'files'))?.filter((row) => row.record_id === id)).toEqual([]);
  });

  it('a client hanging up mid-upload leaves no spooled bytes, no stored file and no row', async () => {
    const { id, url } = await aliceRecord();
    const answer = await streamUpload(url, alice.headers, MiB - 1024, {
      hangUpAfterBytes: 512 * 1024,
      // Hang up only once the server is writing the upload to disk, so there is something to clean.
      beforeHangUp: () => until(() => spooledFiles(app).length > 0, 'the upload being spooled'),
    });
    expect(answer).toBeNull();
    await until(() => spooledFiles(app).length === 0, 'the spooled bytes removed');
    expect(storedFiles(app)).toEqual([]);
    expect((await rawRows(app, 'files'))?.filter((row) => row.record_id === id)).toEqual([]);
  });
});
