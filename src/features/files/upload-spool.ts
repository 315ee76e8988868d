import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { chmod, mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { appError } from '../../errors/index.js';

/** An upload written to a temporary file: its path, size and SHA-256. */
export interface SpooledUpload {
  path: string;
  sizeBytes: number;
  sha256: string;
  /** Removes the temporary file; safe to call more than once. */
  discard: () => Promise<void>;
}

/**
 * Streams an upload to a temporary file (0600, in a 0700 folder) while counting its bytes and
 * hashing them. Past `maxBytes` it stops at once with FILE_TOO_LARGE: the bytes are never held
 * in memory, so an upload far over the limit costs one chunk, not its size. On any failure (the
 * limit, a client that hangs up mid-body, a full disk) the temporary file is removed.
 */
export async function spoolUpload(source: Readable, folder: string, maxBytes: number): Promise<SpooledUpload> {
  await mkdir(folder, { recursive: true, mode: 0o700 });
  await chmod(folder, 0o700);
  const path = join(folder, randomUUID());
  const discard = () => rm(path, { force: true });
  const hash = createHash('sha256');
  let sizeBytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      sizeBytes += chunk.length;
      if (sizeBytes > maxBytes) {
        done(appError('FILE_TOO_LARGE', { detail: `The file is larger than ${maxBytes} bytes.` }));
        return;
      }
      hash.update(chunk);
      done(null, chunk);
    },
  });
  try {
    await pipeline(source, meter, createWriteStream(path, { mode: 0o600, flags: 'wx' }));
  } catch (error) {
    await discard();
    throw error;
  }
  return { path, sizeBytes, sha256: hash.digest('hex'), discard };
}
