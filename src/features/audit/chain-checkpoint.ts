import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { canonicalJson } from '../../lib/encoding/canonical-json.js';

/**
 * The audit chain's head, anchored outside the database. Whoever can write the database (the
 * application's own role can drop the append-only triggers) can delete the newest entries and
 * the rest of the chain still links up; the checkpoint, signed with a key the database never
 * sees, remembers how far the chain reached, so `bulwark log verify` can tell.
 */
export const CHECKPOINT_FILE = 'audit-checkpoint.json';
const CHECKPOINT_FORMAT = 'bulwark-audit-checkpoint/1';

export interface ChainHead {
  seq: number;
  hash: string;
}

export interface Checkpoint extends ChainHead {
  writtenAtMs: number;
}

export type CheckpointReading =
  | { status: 'valid'; checkpoint: Checkpoint }
  | { status: 'missing' }
  | { status: 'invalid'; reason: string };

export function checkpointPath(dataDir: string): string {
  return join(dataDir, CHECKPOINT_FILE);
}

function signature(key: Buffer, checkpoint: Checkpoint): string {
  const { seq, hash, writtenAtMs } = checkpoint;
  const text = canonicalJson({ format: CHECKPOINT_FORMAT, seq, hash, writtenAtMs });
  return createHmac('sha256', key).update(text, 'utf8').digest('hex');
}

/** The file's text: the head, when it was written, and an HMAC under the audit-checkpoint key. */
export function formatCheckpoint(key: Buffer, checkpoint: Checkpoint): string {
  const { seq, hash, writtenAtMs } = checkpoint;
  const mac = signature(key, checkpoint);
  return `${JSON.stringify({ format: CHECKPOINT_FORMAT, seq, hash, writtenAtMs, mac }, null, 2)}\n`;
}

/** Parses and checks a checkpoint's text; any edit, or a signature made without the key, is invalid. */
export function parseCheckpoint(key: Buffer, text: string): CheckpointReading {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { status: 'invalid', reason: 'it is not JSON' };
  }
  const { format, seq, hash, writtenAtMs, mac } = (value ?? {}) as Record<string, unknown>;
  if (format !== CHECKPOINT_FORMAT) return { status: 'invalid', reason: 'its format is unknown' };
  if (!Number.isSafeInteger(seq) || (seq as number) < 0 || !Number.isSafeInteger(writtenAtMs)) {
    return { status: 'invalid', reason: 'its fields are malformed' };
  }
  if (typeof hash !== 'string' || typeof mac !== 'string' || !/^[0-9a-f]{64}$/.test(mac)) {
    return { status: 'invalid', reason: 'its fields are malformed' };
  }
  const checkpoint: Checkpoint = { seq: seq as number, hash, writtenAtMs: writtenAtMs as number };
  const expected = Buffer.from(signature(key, checkpoint), 'hex');
  if (!timingSafeEqual(expected, Buffer.from(mac, 'hex'))) {
    return { status: 'invalid', reason: 'its signature does not match this server’s key (edited or forged)' };
  }
  return { status: 'valid', checkpoint };
}

export async function readCheckpoint(path: string, key: Buffer): Promise<CheckpointReading> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { status: 'missing' };
    return { status: 'invalid', reason: `it cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  return parseCheckpoint(key, text);
}

/**
 * Replaces the checkpoint atomically: a new private file (0600, created exclusively under a
 * unique name, so two processes on one data folder never write into the same file), flushed
 * to disk, then renamed over the old one. A reader sees the old checkpoint or the new, never half.
 */
export async function writeCheckpoint(path: string, key: Buffer, checkpoint: Checkpoint): Promise<void> {
  const temporary = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const file = await open(temporary, 'wx', 0o600);
    try {
      await file.writeFile(formatCheckpoint(key, checkpoint), 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
  await syncDirectory(dirname(path));
}

/** Makes the rename itself durable; some platforms cannot open a directory, which is harmless. */
async function syncDirectory(path: string): Promise<void> {
  const directory = await open(path, 'r').catch(() => null);
  if (!directory) return;
  try {
    await directory.sync();
  } catch {
    // fsync on a directory is refused on some file systems; the rename is still atomic.
  } finally {
    await directory.close();
  }
}
