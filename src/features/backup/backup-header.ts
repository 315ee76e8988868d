import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { fileKeyOf } from '../../lib/crypto/sealed-stream.js';

/**
 * The first bytes of a backup file, in clear: what a reader needs to find the key and open the
 * chunks. Every chunk authenticates these bytes (they are its associated data), so changing any
 * of them (the mode, the KDF cost, the salt, the chunk size) makes the whole file refuse to open.
 *
 * Layout (big-endian), 71 bytes:
 *   0  magic "BWBACKUP"         8  format version (1)     9  key mode (1 master key, 2 passphrase)
 *  10  chunk bytes (u32)       14  file id (16 bytes)     30  argon2id salt (16 bytes; zeros in master-key mode)
 *  46  argon2 memory KiB (u32) 50  argon2 iterations (u32) 54 argon2 lanes (u8)
 *  55  key check (16 bytes): HMAC-SHA256(file key, label), so a wrong key or passphrase is named
 *      as such instead of as damage. It reveals nothing a trial decryption of chunk 0 would not.
 */
export const BACKUP_MAGIC = Buffer.from('BWBACKUP', 'latin1');
export const BACKUP_FORMAT_VERSION = 1;
export const HEADER_BYTES = 71;
/** 64 KiB of plaintext per chunk: large enough that the 16-byte tags cost 0.02%, small enough to hold in memory. */
export const CHUNK_BYTES = 64 * 1024;
/**
 * argon2id for passphrases: 64 MiB, 3 passes, 1 lane (RFC 9106 §4's second recommended option
 * is 64 MiB, t=3; a backup is opened rarely, so it can afford more than a sign-in's 19 MiB).
 */
export const PASSPHRASE_KDF: Readonly<KdfParams> = { memoryKiB: 65_536, iterations: 3, parallelism: 1 };
/** Bounds on what a header may ask of the reader, so a forged header cannot make restore allocate gigabytes. */
const MAX_KDF_MEMORY_KIB = 1_048_576;
const MAX_KDF_ITERATIONS = 64;
const MIN_CHUNK_BYTES = 1024;
const MAX_CHUNK_BYTES = 16 * 1024 * 1024;
const KEY_CHECK_LABEL = 'bulwark:backup-key-check:v1';

export type KeyMode = 'master-key' | 'passphrase';
const MODE_CODES: Readonly<Record<KeyMode, number>> = { 'master-key': 1, passphrase: 2 };

export interface KdfParams {
  memoryKiB: number;
  iterations: number;
  parallelism: number;
}

export interface BackupHeader {
  keyMode: KeyMode;
  chunkBytes: number;
  fileId: Buffer;
  salt: Buffer;
  kdf: KdfParams;
  /** The header's bytes as written: the associated data of every chunk. */
  bytes: Buffer;
}

/** Why a header is refused before any key is tried. */
export class BackupHeaderError extends Error {}

/** A fresh header: new random file id (and salt, in passphrase mode). */
export function newHeaderFields(keyMode: KeyMode): Omit<BackupHeader, 'bytes'> {
  const isPassphrase = keyMode === 'passphrase';
  return {
    keyMode,
    chunkBytes: CHUNK_BYTES,
    fileId: randomBytes(16),
    salt: isPassphrase ? randomBytes(16) : Buffer.alloc(16),
    kdf: isPassphrase ? { ...PASSPHRASE_KDF } : { memoryKiB: 0, iterations: 0, parallelism: 0 },
  };
}

export function keyCheckOf(baseKey: Buffer, fileId: Buffer): Buffer {
  return createHmac('sha256', fileKeyOf(baseKey, fileId)).update(KEY_CHECK_LABEL).digest().subarray(0, 16);
}

export function encodeHeader(fields: Omit<BackupHeader, 'bytes'>, baseKey: Buffer): BackupHeader {
  const bytes = Buffer.alloc(HEADER_BYTES);
  BACKUP_MAGIC.copy(bytes, 0);
  bytes[8] = BACKUP_FORMAT_VERSION;
  bytes[9] = MODE_CODES[fields.keyMode];
  bytes.writeUInt32BE(fields.chunkBytes, 10);
  fields.fileId.copy(bytes, 14);
  fields.salt.copy(bytes, 30);
  bytes.writeUInt32BE(fields.kdf.memoryKiB, 46);
  bytes.writeUInt32BE(fields.kdf.iterations, 50);
  bytes[54] = fields.kdf.parallelism;
  keyCheckOf(baseKey, fields.fileId).copy(bytes, 55);
  return { ...fields, bytes };
}

/** Parses the header; throws BackupHeaderError saying what is wrong when it is not one we can open. */
export function decodeHeader(bytes: Buffer): BackupHeader {
  if (bytes.length < HEADER_BYTES || !bytes.subarray(0, 8).equals(BACKUP_MAGIC)) {
    throw new BackupHeaderError('it is not a Bulwark backup (or its first bytes are damaged)');
  }
  if (bytes[8] !== BACKUP_FORMAT_VERSION) {
    throw new BackupHeaderError(`its format version ${bytes[8]} is not one this Bulwark reads (1)`);
  }
  const keyMode = (Object.keys(MODE_CODES) as KeyMode[]).find((mode) => MODE_CODES[mode] === bytes[9]);
  const chunkBytes = bytes.readUInt32BE(10);
  const kdf = { memoryKiB: bytes.readUInt32BE(46), iterations: bytes.readUInt32BE(50), parallelism: bytes[54] ?? 0 };
  const isKdfSane =
    keyMode !== 'passphrase' ||
    (kdf.memoryKiB >= 8 * kdf.parallelism &&
      kdf.memoryKiB <= MAX_KDF_MEMORY_KIB &&
      kdf.iterations >= 1 &&
      kdf.iterations <= MAX_KDF_ITERATIONS &&
      kdf.parallelism >= 1);
  if (!keyMode || chunkBytes < MIN_CHUNK_BYTES || chunkBytes > MAX_CHUNK_BYTES || !isKdfSane) {
    throw new BackupHeaderError('its header is damaged or altered');
  }
  const header = bytes.subarray(0, HEADER_BYTES);
  return {
    keyMode,
    chunkBytes,
    fileId: Buffer.from(header.subarray(14, 30)),
    salt: Buffer.from(header.subarray(30, 46)),
    kdf,
    bytes: Buffer.from(header),
  };
}

/** True when `baseKey` is the key the header was written under. */
export function isKeyOfHeader(header: BackupHeader, baseKey: Buffer): boolean {
  return timingSafeEqual(keyCheckOf(baseKey, header.fileId), header.bytes.subarray(55, 71));
}
