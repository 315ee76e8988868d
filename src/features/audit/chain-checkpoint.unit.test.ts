import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  checkpointPath,
  formatCheckpoint,
  parseCheckpoint,
  readCheckpoint,
  writeCheckpoint,
} from './chain-checkpoint.js';
import { createCheckpointAnchor } from './checkpoint-anchor.js';

const key = randomBytes(32);
const head = { seq: 12, hash: 'a'.repeat(64), writtenAtMs: 1_800_000_000_000 };
let dir: string;
let path: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulwark-checkpoint-'));
  path = checkpointPath(dir);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('the signed checkpoint file', () => {
  it('is written atomically as a private file and reads back', async () => {
    await writeCheckpoint(path, key, head);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(dir)).toEqual(['audit-checkpoint.json']);
    expect(await readCheckpoint(path, key)).toEqual({ status: 'valid', checkpoint: head });
  });

  it('refuses any edited field, a signature under another key, and text that is not a checkpoint', () => {
    const signed = JSON.parse(formatCheckpoint(key, head)) as Record<string, unknown>;
    for (const edit of [{ seq: 11 }, { hash: 'b'.repeat(64) }, { writtenAtMs: head.writtenAtMs + 1 }]) {
      expect(parseCheckpoint(key, JSON.stringify({ ...signed, ...edit }))).toMatchObject({ status: 'invalid' });
    }
    expect(parseCheckpoint(randomBytes(32), formatCheckpoint(key, head))).toEqual({
      status: 'invalid',
      reason: 'its signature does not match this server’s key (edited or forged)',
    });
    for (const text of [
      '',
      'null',
      '{}',
      '[1]',
      JSON.stringify({ ...signed, seq: -1 }),
      JSON.stringify({ ...signed, mac: 'x' }),
    ]) {
      expect(parseCheckpoint(key, text)).toMatchObject({ status: 'invalid' });
    }
  });

  it('reads as missing when there is no file', async () => {
    expect(await readCheckpoint(path, key)).toEqual({ status: 'missing' });
  });
});

describe('the checkpoint anchor', () => {
  const problems: string[] = [];
  const stored = new Map<number, string>();
  const anchor = () =>
    createCheckpointAnchor({
      path,
      key,
      findHash: async (seq) => stored.get(seq),
      findPrunedThrough: async () => 0,
      now: () => 1_800_000_000_000,
      onProblem: (message) => problems.push(message),
    });
  beforeEach(() => {
    problems.length = 0;
    stored.clear();
  });

  it('writes the first checkpoint and moves it forward while the anchored entry stays', async () => {
    const moving = anchor();
    stored.set(3, 'c'.repeat(64));
    await moving.advance({ seq: 3, hash: 'c'.repeat(64) });
    stored.set(5, 'e'.repeat(64));
    await moving.advance({ seq: 5, hash: 'e'.repeat(64) });
    expect(await readCheckpoint(path, key)).toMatchObject({ status: 'valid', checkpoint: { seq: 5 } });
    expect(problems).toEqual([]);
  });

  it('stops moving, keeping the evidence, once the anchored entry is gone or replaced', async () => {
    stored.set(5, 'e'.repeat(64));
    await anchor().advance({ seq: 5, hash: 'e'.repeat(64) });
    const restarted = anchor();
    stored.set(5, 'f'.repeat(64));
    await restarted.advance({ seq: 7, hash: '7'.repeat(64) });
    await restarted.advance({ seq: 8, hash: '8'.repeat(64) });
    expect(await readCheckpoint(path, key)).toMatchObject({ status: 'valid', checkpoint: { seq: 5 } });
    expect(problems).toEqual([expect.stringContaining('no longer moves: anchored entry 5 was replaced')]);
  });

  it('leaves a checkpoint it cannot verify in place', async () => {
    writeFileSync(path, '{"forged":true}');
    await anchor().advance({ seq: 9, hash: '9'.repeat(64) });
    expect(readFileSync(path, 'utf8')).toBe('{"forged":true}');
    expect(problems).toEqual([expect.stringContaining('the file is invalid: its format is unknown')]);
  });
});
