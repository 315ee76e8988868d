import { createCipheriv, createDecipheriv, hkdfSync } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

/**
 * Chunked authenticated encryption of a stream: the STREAM construction (Hoang, Reyhanitabar,
 * Rogaway, Vizár, "Online Authenticated-Encryption and its Nonce-Reuse Misuse-Resistance",
 * CRYPTO 2015) over AES-256-GCM. Memory stays at one chunk whatever the stream's length.
 *
 * - Each file gets its own key, HKDF(baseKey, salt = the file's random id): a chunk moved from
 *   another file does not open, and nonces never repeat across files under one base key.
 * - Chunk i is sealed under nonce = i (8 bytes) ‖ 0 0 0 ‖ final flag, with associated data
 *   header ‖ i ‖ final flag: a flipped byte, a reordered, dropped or repeated chunk, a changed
 *   header, or a stream cut at any point (a chunk boundary included: the last chunk left is
 *   not flagged final) makes opening fail.
 * - On disk a chunk is its ciphertext and 16-byte tag; every chunk but the last holds exactly
 *   `chunkBytes` of plaintext, so no lengths are stored and none can be altered.
 */
export const TAG_BYTES = 16;
const NONCE_BYTES = 12;
/** Chunk indexes are 8 bytes; 2^32 chunks of 64 KiB (256 TiB) is far beyond any backup. */
const MAX_CHUNKS = 2 ** 32;

/** Why opening failed: `tampered` (a chunk does not authenticate) or `truncated` (the end is missing). */
export class SealedStreamError extends Error {
  readonly reason: 'tampered' | 'truncated';
  readonly chunkIndex: number;
  constructor(reason: 'tampered' | 'truncated', chunkIndex: number) {
    super(reason === 'truncated' ? 'the sealed stream ends early' : `chunk ${chunkIndex} does not authenticate`);
    this.reason = reason;
    this.chunkIndex = chunkIndex;
  }
}

export interface SealedStreamParams {
  /** 32 bytes: from the master key or a passphrase; never used directly. */
  baseKey: Buffer;
  /** The file's random id (16 bytes), also in `header`. */
  fileId: Buffer;
  /** The file's header, authenticated by every chunk. */
  header: Buffer;
  chunkBytes: number;
}

/** The file's own key: HKDF-SHA256(baseKey, salt = fileId). */
export function fileKeyOf(baseKey: Buffer, fileId: Buffer): Buffer {
  return Buffer.from(hkdfSync('sha256', baseKey, fileId, Buffer.from('bulwark:sealed-stream-file:v1'), 32));
}

function nonceOf(index: number, isFinal: boolean): Buffer {
  const nonce = Buffer.alloc(NONCE_BYTES);
  nonce.writeBigUInt64BE(BigInt(index), 0);
  nonce[NONCE_BYTES - 1] = isFinal ? 1 : 0;
  return nonce;
}

function associatedData(header: Buffer, index: number, isFinal: boolean): Buffer {
  const position = Buffer.alloc(9);
  position.writeBigUInt64BE(BigInt(index), 0);
  position[8] = isFinal ? 1 : 0;
  return Buffer.concat([header, position]);
}

function sealChunk(key: Buffer, header: Buffer, index: number, isFinal: boolean, plaintext: Buffer): Buffer {
  if (index >= MAX_CHUNKS) throw new Error('the stream is too long to seal');
  const cipher = createCipheriv('aes-256-gcm', key, nonceOf(index, isFinal));
  cipher.setAAD(associatedData(header, index, isFinal));
  return Buffer.concat([cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]);
}

function openChunk(key: Buffer, header: Buffer, index: number, isFinal: boolean, sealed: Buffer): Buffer | null {
  if (sealed.length < TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonceOf(index, isFinal));
    decipher.setAAD(associatedData(header, index, isFinal));
    decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}

/** Seals what is written into chunks; the header is not written (the caller writes it first). */
export function createSealStream(params: SealedStreamParams): Transform {
  const key = fileKeyOf(params.baseKey, params.fileId);
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      // Strictly more than a chunk: the last chunk is only known at the end, so keep it back.
      while (pending.length > params.chunkBytes) {
        this.push(sealChunk(key, params.header, index++, false, pending.subarray(0, params.chunkBytes)));
        pending = pending.subarray(params.chunkBytes);
      }
      callback();
    },
    flush(callback: TransformCallback) {
      // Always a final chunk (empty when the data ended on a boundary), so truncation shows.
      this.push(sealChunk(key, params.header, index, true, pending));
      callback();
    },
  });
}

/**
 * Opens a stream `createSealStream` made (without its header). Emits plaintext chunk by chunk as
 * each authenticates; fails with SealedStreamError at the first one that does not, or when the
 * stream ends before a final chunk. A consumer must not act on the data until the stream ends.
 */
export function createOpenStream(params: SealedStreamParams): Transform {
  const key = fileKeyOf(params.baseKey, params.fileId);
  const recordBytes = params.chunkBytes + TAG_BYTES;
  let pending: Buffer = Buffer.alloc(0);
  let index = 0;
  return new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      pending = pending.length === 0 ? data : Buffer.concat([pending, data]);
      while (pending.length > recordBytes) {
        const plaintext = openChunk(key, params.header, index, false, pending.subarray(0, recordBytes));
        if (!plaintext) return callback(new SealedStreamError('tampered', index));
        this.push(plaintext);
        pending = pending.subarray(recordBytes);
        index += 1;
      }
      callback();
    },
    flush(callback: TransformCallback) {
      if (pending.length < TAG_BYTES) return callback(new SealedStreamError('truncated', index));
      const plaintext = openChunk(key, params.header, index, true, pending);
      if (plaintext) {
        this.push(plaintext);
        return callback();
      }
      // A full-length record that does not open as final is a non-final chunk with its successors cut off.
      const isCut = pending.length === recordBytes && openChunk(key, params.header, index, false, pending) !== null;
      callback(new SealedStreamError(isCut ? 'truncated' : 'tampered', index));
    },
  });
}
