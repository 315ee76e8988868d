import type { Readable } from 'node:stream';

/**
 * Where file bytes live: the local store (under the data folder) by default, an S3-compatible
 * bucket by configuration. Keys are made by the server (random ids), never from a client's
 * file name, so a store never sees a path a client chose.
 */
export interface FileStore {
  readonly kind: 'local' | 's3';
  /**
   * Stores a stream under `key`; resolves once the bytes are durable. On failure (or when the
   * stream errors, e.g. an aborted upload) nothing is left under `key`.
   */
  put(key: string, body: Readable, info: { sizeBytes: number; contentType: string }): Promise<void>;
  /** The bytes of `key`, or of `range` (inclusive byte offsets); null when there is no such key. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable | null>;
  /** Removes `key`; no error when it is already gone. */
  delete(key: string): Promise<void>;
  /** Whether the store is reachable (for `/api/ready`). */
  probe(): Promise<boolean>;
  close(): Promise<void>;
}

/** The verdict of a malware scan; `error` means the scanner could not say (the file stays quarantined). */
export type ScanVerdict =
  | { status: 'clean' }
  | { status: 'infected'; signature: string }
  | { status: 'error'; reason: string };

/** A malware scanner (ClamAV's clamd over its socket): scans a stream without storing it twice. */
export interface MalwareScanner {
  /**
   * Scans `body`. `sizeBytes`, when known, lets a scanner refuse a file it cannot take before
   * reading any of it (the verdict is then `error`: the file stays quarantined).
   */
  scan(body: Readable, info?: { sizeBytes: number }): Promise<ScanVerdict>;
  probe(): Promise<boolean>;
}
