import { createHash } from 'node:crypto';
import { mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { pack as createPack, type Pack } from 'tar-stream';
import { createSealStream } from '../../lib/crypto/sealed-stream.js';
import { checkpointPath } from '../audit/index.js';
import { filesFolder } from '../files/index.js';
import { type BackupHeader, encodeHeader, newHeaderFields } from './backup-header.js';
import { backupKeyFromPassphrase } from './backup-keys.js';
import { type BackupManifest, MANIFEST_ENTRY, MANIFEST_FORMAT, type ManifestEntry } from './backup-manifest.js';
import { createByteTap } from './byte-tap.js';
import { snapshotDatabase } from './database-snapshot.js';
import { listStoredFiles } from './local-files.js';

/** Told how much there is to write, then of each piece written (a progress bar, or nothing). */
export interface ProgressSink {
  setTotal: (total: number) => void;
  advance: (amount: number) => void;
}

/**
 * What a backup is sealed under: the `backup` key derived from the master key (the server's
 * scheduled backups; the master key itself stays out of reach), or a passphrase, with the
 * master key sealed inside so the file restores on a machine that has never had it.
 */
export type BackupSealing =
  | { mode: 'master-key'; backupKey: Buffer }
  | { mode: 'passphrase'; passphrase: string; masterKey: Buffer };

export interface WriteBackupOptions {
  /** A new file: never an existing one (`wx`), created with mode 0600. */
  out: string;
  dataDir: string;
  database: { url: string | undefined; sqlitePath: string };
  fileStorage: 'local' | 's3';
  sealing: BackupSealing;
  bulwarkVersion: string;
  progress?: ProgressSink;
  /** Aborted (the operator pressed Ctrl-C): the writing stops and the partial file is removed. */
  signal?: AbortSignal;
}

export interface WrittenBackup {
  manifest: BackupManifest;
  /** Size of the backup file. */
  bytes: number;
  /** Files deleted by the server between listing and reading them (their records went with them). */
  vanishedFiles: number;
}

interface Piece {
  name: string;
  /** A file to copy, or bytes already in memory. */
  source: { path: string } | { data: Buffer };
}

/**
 * Writes an encrypted backup of the data while the server runs: the database snapshot, the
 * audit checkpoint, the local store's files, the master key in passphrase mode, and last the
 * manifest with every entry's size and SHA-256, as a tar stream sealed in authenticated
 * chunks. Memory stays at a chunk or two whatever the size. Any failure removes the partial file.
 */
export async function writeBackup(options: WriteBackupOptions): Promise<WrittenBackup> {
  const createdAt = new Date();
  // Read before the snapshot: the head it anchors is then never past the chain in the snapshot.
  const checkpoint = await readFile(checkpointPath(options.dataDir)).catch(() => null);
  const workDir = await mkdtemp(join(options.dataDir, '.backup-work-'));
  try {
    const snapshot = await snapshotDatabase(options.database, workDir);
    const fileKeys = options.fileStorage === 'local' ? await listStoredFiles(filesFolder(options.dataDir)) : [];
    const pieces: Piece[] = [
      { name: snapshot.entryName, source: { path: snapshot.path } },
      ...(checkpoint ? [{ name: 'audit-checkpoint.json', source: { data: checkpoint } }] : []),
      ...(options.sealing.mode === 'passphrase'
        ? [{ name: 'master.key', source: { data: Buffer.from(`${options.sealing.masterKey.toString('base64')}\n`) } }]
        : []),
      ...fileKeys.map((key) => ({
        name: `files/${key}`,
        source: { path: join(filesFolder(options.dataDir), ...key.split('/')) },
      })),
    ];
    const { header, baseKey } = await sealingKey(options.sealing);
    options.progress?.setTotal(await totalBytes(pieces));
    const describe = (entries: ManifestEntry[]): BackupManifest => ({
      format: MANIFEST_FORMAT,
      bulwarkVersion: options.bulwarkVersion,
      createdAt: createdAt.toISOString(),
      dialect: options.database.url ? 'postgres' : 'sqlite',
      keyMode: header.keyMode,
      masterKeyIncluded: options.sealing.mode === 'passphrase',
      fileStorage: options.fileStorage,
      counts: snapshot.counts,
      entries,
    });
    options.signal?.throwIfAborted();
    const packed = await writeSealedFile(options.out, header, baseKey, (pack) =>
      packPieces(pack, pieces, createdAt, describe, options.progress, options.signal),
    );
    return { ...packed, bytes: (await stat(options.out)).size };
  } finally {
    await rm(workDir, { recursive: true, force: true });
  }
}

async function sealingKey(sealing: BackupSealing): Promise<{ header: BackupHeader; baseKey: Buffer }> {
  const fields = newHeaderFields(sealing.mode);
  const baseKey =
    sealing.mode === 'master-key'
      ? sealing.backupKey
      : await backupKeyFromPassphrase(sealing.passphrase, fields.salt, fields.kdf);
  return { header: encodeHeader(fields, baseKey), baseKey };
}

async function totalBytes(pieces: Piece[]): Promise<number> {
  let total = 0;
  for (const piece of pieces) {
    if ('data' in piece.source) total += piece.source.data.length;
    else
      total += await stat(piece.source.path).then(
        (info) => info.size,
        () => 0,
      );
  }
  return total;
}

/** Adds every piece in order, then the manifest describing them; returns it. */
async function packPieces(
  pack: Pack,
  pieces: Piece[],
  createdAt: Date,
  describe: (entries: ManifestEntry[]) => BackupManifest,
  progress: ProgressSink | undefined,
  signal: AbortSignal | undefined,
): Promise<Omit<WrittenBackup, 'bytes'>> {
  const entries: ManifestEntry[] = [];
  let vanishedFiles = 0;
  for (const piece of pieces) {
    signal?.throwIfAborted();
    const entry = await addPiece(pack, piece, createdAt, (count) => progress?.advance(count), signal);
    if (entry) entries.push(entry);
    else vanishedFiles += 1;
  }
  const manifest = describe(entries);
  await addBuffer(pack, MANIFEST_ENTRY, Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`), createdAt);
  return { manifest, vanishedFiles };
}

/** One entry; null when a stored file was deleted after it was listed (the server removed it with its record). */
async function addPiece(
  pack: Pack,
  piece: Piece,
  mtime: Date,
  onBytes: (count: number) => void,
  signal: AbortSignal | undefined,
): Promise<ManifestEntry | null> {
  if ('data' in piece.source) {
    await addBuffer(pack, piece.name, piece.source.data, mtime);
    onBytes(piece.source.data.length);
    return { name: piece.name, bytes: piece.source.data.length, sha256: sha256Of(piece.source.data) };
  }
  const handle = await open(piece.source.path, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return null;
    throw error;
  });
  if (!handle) return null;
  try {
    // Once open, the file's bytes stay readable even if the server deletes it meanwhile.
    const { size } = await handle.stat();
    if (size === 0) {
      await addBuffer(pack, piece.name, Buffer.alloc(0), mtime);
      return { name: piece.name, bytes: 0, sha256: sha256Of(Buffer.alloc(0)) };
    }
    const tap = createByteTap(onBytes);
    const entry = pack.entry({ name: piece.name, size, mode: 0o600, mtime });
    await pipeline(handle.createReadStream({ start: 0, end: size - 1, autoClose: false }), tap, entry, { signal });
    return { name: piece.name, bytes: tap.bytes(), sha256: tap.sha256() };
  } finally {
    await handle.close();
  }
}

function addBuffer(pack: Pack, name: string, data: Buffer, mtime: Date): Promise<void> {
  return new Promise((resolve, reject) => {
    pack.entry({ name, size: data.length, mode: 0o600, mtime }, data, (error) => (error ? reject(error) : resolve()));
  });
}

function sha256Of(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Creates `out` (`wx`, 0600), writes the header, then seals what `fill` packs into it. On any
 * failure the partial file is removed: a half-written backup must never pass for one.
 */
async function writeSealedFile<T>(
  out: string,
  header: BackupHeader,
  baseKey: Buffer,
  fill: (pack: Pack) => Promise<T>,
): Promise<T> {
  // `wx` claims the name first: an existing file is refused, never overwritten nor removed.
  const handle = await open(out, 'wx', 0o600);
  // The stream owns the handle from here: it fsyncs (`flush`) and closes it when it ends or fails.
  const sink = handle.createWriteStream({ flush: true });
  try {
    sink.write(header.bytes);
    const pack = createPack();
    const seal = createSealStream({
      baseKey,
      fileId: header.fileId,
      header: header.bytes,
      chunkBytes: header.chunkBytes,
    });
    // tar-stream's streams are streamx streams: Node's pipeline takes the pack through its
    // async iterator, as a plain Node stream.
    const writing = pipeline(Readable.from(pack), seal, sink);
    // Only a failure of the writing side matters while packing: it must stop the packing too.
    const failed = writing.then(() => new Promise<never>(() => {}));
    const filling = fill(pack);
    // Settled here or by the race below; never an unhandled rejection when writing failed first.
    filling.catch(() => undefined);
    const result = await Promise.race([filling, failed]).catch(async (error: unknown) => {
      pack.destroy(error as Error);
      await writing.catch(() => undefined);
      throw error;
    });
    pack.finalize();
    await writing;
    return result;
  } catch (error) {
    sink.destroy();
    await rm(out, { force: true });
    throw error;
  }
}
