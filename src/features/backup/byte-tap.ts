import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';

export interface ByteTap extends Transform {
  /** Bytes seen so far. */
  bytes: () => number;
  /** Hex SHA-256 of everything seen; call once the stream has ended. */
  sha256: () => string;
}

/** A pass-through that hashes and counts what flows by, and tells `onBytes` (a progress bar). */
export function createByteTap(onBytes: (count: number) => void = () => {}): ByteTap {
  const hash = createHash('sha256');
  let seen = 0;
  const tap = new Transform({
    transform(data: Buffer, _encoding, callback: TransformCallback) {
      hash.update(data);
      seen += data.length;
      onBytes(data.length);
      callback(null, data);
    },
  }) as ByteTap;
  tap.bytes = () => seen;
  tap.sha256 = () => hash.digest('hex');
  return tap;
}
