import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  createOpenStream,
  createSealStream,
  SealedStreamError,
  type SealedStreamParams,
  TAG_BYTES,
} from './sealed-stream.js';

const CHUNK_BYTES = 1024;
const RECORD_BYTES = CHUNK_BYTES + TAG_BYTES;

function paramsFor(overrides: Partial<SealedStreamParams> = {}): SealedStreamParams {
  return {
    baseKey: randomBytes(32),
    fileId: randomBytes(16),
    header: Buffer.from('header v1'),
    chunkBytes: CHUNK_BYTES,
    ...overrides,
  };
}

/** Feeds `data` in odd-sized pieces, as a file stream would, and collects the output. */
async function through(stream: NodeJS.ReadWriteStream, data: Buffer): Promise<Buffer> {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += 777) pieces.push(data.subarray(at, at + 777));
  const out: Buffer[] = [];
  await pipeline(Readable.from(pieces), stream, async (source: AsyncIterable<Buffer | string>) => {
    for await (const part of source) out.push(Buffer.from(part));
  });
  return Buffer.concat(out);
}

const seal = (params: SealedStreamParams, data: Buffer) => through(createSealStream(params), data);
const open = (params: SealedStreamParams, sealed: Buffer) => through(createOpenStream(params), sealed);
const record = (sealed: Buffer, index: number) => sealed.subarray(index * RECORD_BYTES, (index + 1) * RECORD_BYTES);

async function refusal(params: SealedStreamParams, sealed: Buffer): Promise<SealedStreamError> {
  const error = await open(params, sealed).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(SealedStreamError);
  return error as SealedStreamError;
}

describe('sealed stream (STREAM over AES-256-GCM)', () => {
  it('round-trips any length, chunk boundaries and empty input included', async () => {
    const params = paramsFor();
    for (const length of [0, 1, CHUNK_BYTES - 1, CHUNK_BYTES, CHUNK_BYTES + 1, 3 * CHUNK_BYTES, 5000]) {
      const data = randomBytes(length);
      const sealed = await seal(params, data);
      // Every chunk but the last is full; the last (possibly empty) always exists.
      expect(sealed.length).toBe(Math.max(1, Math.ceil(length / CHUNK_BYTES)) * TAG_BYTES + length);
      expect((await open(params, sealed)).equals(data)).toBe(true);
    }
  });

  it('refuses a flipped byte anywhere, in the ciphertext or in a tag, naming the chunk', async () => {
    const params = paramsFor();
    const sealed = await seal(params, randomBytes(4 * CHUNK_BYTES + 10));
    for (const [at, chunk] of [
      [10, 0],
      [RECORD_BYTES + 5, 1],
      [2 * RECORD_BYTES - 1, 1],
      [sealed.length - 1, 4],
    ] as const) {
      const altered = Buffer.from(sealed);
      altered[at] = (altered[at] ?? 0) ^ 0x80;
      const error = await refusal(params, altered);
      expect([error.reason, error.chunkIndex]).toEqual(['tampered', chunk]);
    }
  });

  it('refuses a stream cut at a chunk boundary as truncated, and one cut inside a chunk', async () => {
    const params = paramsFor();
    const sealed = await seal(params, randomBytes(4 * CHUNK_BYTES + 10));
    const atBoundary = await refusal(params, sealed.subarray(0, 2 * RECORD_BYTES));
    expect([atBoundary.reason, atBoundary.chunkIndex]).toEqual(['truncated', 1]);
    expect((await refusal(params, sealed.subarray(0, 2 * RECORD_BYTES + 100))).reason).toBe('tampered');
    expect((await refusal(params, sealed.subarray(0, 5))).reason).toBe('truncated');
  });

  it('refuses swapped, dropped or repeated chunks, and a chunk from another stream under the same key', async () => {
    const params = paramsFor();
    const sealed = await seal(params, randomBytes(4 * CHUNK_BYTES + 10));
    const other = await seal({ ...params, fileId: randomBytes(16) }, randomBytes(4 * CHUNK_BYTES + 10));
    const rest = sealed.subarray(3 * RECORD_BYTES);
    const variants = [
      Buffer.concat([record(sealed, 0), record(sealed, 2), record(sealed, 1), rest]),
      Buffer.concat([record(sealed, 0), record(sealed, 2), rest]),
      Buffer.concat([record(sealed, 0), record(sealed, 0), record(sealed, 2), rest]),
      Buffer.concat([record(sealed, 0), record(other, 1), record(sealed, 2), rest]),
    ];
    for (const variant of variants) expect((await refusal(params, variant)).reason).toBe('tampered');
  });

  it('refuses a wrong key and a changed header (the associated data of every chunk)', async () => {
    const params = paramsFor();
    const sealed = await seal(params, randomBytes(2 * CHUNK_BYTES));
    expect((await refusal({ ...params, baseKey: randomBytes(32) }, sealed)).chunkIndex).toBe(0);
    expect((await refusal({ ...params, header: Buffer.from('header v2') }, sealed)).chunkIndex).toBe(0);
  });
});
