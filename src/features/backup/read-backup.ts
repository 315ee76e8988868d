import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { extract as createExtract, type Extract } from 'tar-stream';
import { createOpenStream, SealedStreamError } from '../../lib/crypto/sealed-stream.js';
import { type BackupHeader, BackupHeaderError, decodeHeader, HEADER_BYTES, isKeyOfHeader } from './backup-header.js';
import {
  type BackupManifest,
  compareWithManifest,
  isAllowedEntryName,
  MANIFEST_ENTRY,
  MAX_MANIFEST_BYTES,
  type ManifestEntry,
  parseManifest,
} from './backup-manifest.js';
import { createByteTap } from './byte-tap.js';
import type { ProgressSink } from './write-backup.js';

export type RefusalReason = 'not-a-backup' | 'wrong-key' | 'tampered' | 'truncated' | 'contents';

/** Why a backup file is refused; `message` says what is wrong with the file (the CLI adds the fix). */
export class BackupRefusedError extends Error {
  readonly reason: RefusalReason;
  constructor(reason: RefusalReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

/** The clear header of a backup file, or BackupRefusedError('not-a-backup'). */
export async function readBackupHeader(path: string): Promise<BackupHeader> {
  const handle = await open(path, 'r');
  try {
    const bytes = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(bytes, 0, HEADER_BYTES, 0);
    return decodeHeader(bytes.subarray(0, bytesRead));
  } catch (error) {
    if (error instanceof BackupHeaderError) throw new BackupRefusedError('not-a-backup', error.message);
    throw error;
  } finally {
    await handle.close();
  }
}

export interface UnpackOptions {
  path: string;
  header: BackupHeader;
  baseKey: Buffer;
  /** An empty private folder; entries are written below it, nowhere else. */
  stagingDir: string;
  progress?: ProgressSink;
}

/**
 * Opens every chunk, unpacks every entry into `stagingDir` and holds them against the manifest
 * (names, sizes, SHA-256). Resolves with the manifest only when all of it holds; otherwise
 * BackupRefusedError, and the caller discards the staging folder. Nothing outside it is touched.
 */
export async function unpackBackup(options: UnpackOptions): Promise<BackupManifest> {
  const { header, baseKey } = options;
  if (!isKeyOfHeader(header, baseKey)) throw new BackupRefusedError('wrong-key', 'the key does not open it');
  const source = createReadStream(options.path, { start: HEADER_BYTES });
  const extract = createExtract();
  const read: ManifestEntry[] = [];
  let manifestText: string | null = null;
  let consumeError: unknown = null;
  const consuming = (async () => {
    for await (const entry of extract) {
      const { name, type } = entry.header;
      if (type !== 'file' || (name !== MANIFEST_ENTRY && !isAllowedEntryName(name))) {
        throw new BackupRefusedError('contents', `it holds an entry it should not (${JSON.stringify(name)})`);
      }
      if (name === MANIFEST_ENTRY) manifestText = await readBounded(entry);
      else read.push(await stageEntry(entry, name, options.stagingDir));
    }
  })().catch((error: unknown) => {
    consumeError = error;
    extract.destroy(error as Error);
    source.destroy(error as Error);
    throw error;
  });
  consuming.catch(() => undefined);
  options.progress?.setTotal((await stat(options.path)).size - HEADER_BYTES);
  const opener = createOpenStream({
    baseKey,
    fileId: header.fileId,
    header: header.bytes,
    chunkBytes: header.chunkBytes,
  });
  // Node streams only: this settles whatever happens. tar-stream's extract (a streamx stream)
  // is fed by hand and destroyed on failure; its side is awaited only when all of this held.
  const piped = await pipeline(
    source,
    createByteTap((count) => options.progress?.advance(count)),
    opener,
    feedInto(extract),
  ).then(
    () => null,
    (error: unknown) => {
      extract.destroy(error as Error);
      return error;
    },
  );
  if (piped !== null) throw refusalOf(consumeError ?? piped);
  await consuming.catch((error: unknown) => {
    throw refusalOf(error);
  });
  return checkManifest(manifestText, read);
}

/**
 * A pipeline destination writing into the extract, waiting when it is full. A destroyed extract
 * (its consumer failed) ends the wait too, so this never waits for a drain that cannot come.
 */
function feedInto(extract: Extract) {
  return async (chunks: AsyncIterable<Buffer>) => {
    for await (const chunk of chunks) {
      if (!extract.write(chunk)) await drainOrClose(extract);
      if (extract.destroyed) throw new Error('the archive reader stopped');
    }
    // streamx: end() takes no chunk here; typed as a Node Writable.
    (extract as unknown as { end: () => void }).end();
  };
}

/** Resolves at the next 'drain' or 'close' (a destroyed stream never drains), leaving no listener behind. */
function drainOrClose(stream: Extract): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

/** Any failure while opening and unpacking, as the refusal an operator reads. */
function refusalOf(error: unknown): BackupRefusedError {
  if (error instanceof SealedStreamError) {
    return error.reason === 'truncated'
      ? new BackupRefusedError('truncated', 'is incomplete: it ends before its last chunk')
      : new BackupRefusedError('tampered', `was altered or damaged: chunk ${error.chunkIndex} does not authenticate`);
  }
  if (error instanceof BackupRefusedError) return error;
  const code = (error as NodeJS.ErrnoException)?.code;
  // A file system problem (space, permissions) is ours to report as such, not the file's fault.
  if (typeof code === 'string' && code.startsWith('E') && code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  // Every chunk authenticated, so a malformed archive was sealed that way by someone with the key.
  return new BackupRefusedError('contents', 'its contents are not a well-formed archive');
}

function checkManifest(text: string | null, read: ManifestEntry[]): BackupManifest {
  const manifest = text === null ? null : parseManifest(text);
  if (!manifest) throw new BackupRefusedError('contents', 'it has no readable manifest');
  const difference = compareWithManifest(manifest, read);
  if (difference) throw new BackupRefusedError('contents', `its contents do not match its manifest: ${difference}`);
  return manifest;
}

/** `entry` is a tar entry: its chunks are Buffers (the library types them as unknown). */
async function stageEntry(entry: AsyncIterable<unknown>, name: string, stagingDir: string): Promise<ManifestEntry> {
  const path = join(stagingDir, ...name.split('/'));
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const tap = createByteTap();
  // `wx`: an entry named twice is refused rather than written over the first.
  await pipeline(entry, tap, createWriteStream(path, { flags: 'wx', mode: 0o600 })).catch((error: unknown) => {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new BackupRefusedError('contents', `it holds ${name} twice`);
    }
    throw error;
  });
  return { name, bytes: tap.bytes(), sha256: tap.sha256() };
}

async function readBounded(entry: AsyncIterable<unknown>): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of entry) {
    const part = chunk as Buffer;
    size += part.length;
    if (size > MAX_MANIFEST_BYTES) throw new BackupRefusedError('contents', 'its manifest is too large');
    parts.push(part);
  }
  return Buffer.concat(parts).toString('utf8');
}
