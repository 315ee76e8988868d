import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { text } from 'node:stream/consumers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileStore } from './file-store.js';
import { createLocalFileStore } from './local-store.js';

const info = { sizeBytes: 5, contentType: 'application/pdf' };
const keyOf = () => `docs/${randomUUID()}/${randomUUID()}`;

describe('local file store', () => {
  let root: string;
  let store: FileStore;
  beforeEach(() => {
    root = join(mkdtempSync(join(tmpdir(), 'bulwark-store-')), 'files');
    store = createLocalFileStore(root);
  });
  afterEach(() => rmSync(join(root, '..'), { recursive: true, force: true }));

  it('refuses every key that is not of the server’s own shape, before touching the disk', async () => {
    const bad = [
      '../master.key',
      'docs/../../x',
      `docs/${randomUUID()}/../../../etc/passwd`,
      '/etc/passwd',
      'docs',
      'Docs/a/b',
      `docs/${randomUUID()}/${randomUUID()}/x`,
      `docs\\${randomUUID()}\\${randomUUID()}`,
    ];
    for (const key of bad) {
      await expect(store.put(key, Readable.from(['hello']), info), key).rejects.toThrow(/shape/);
      await expect(store.get(key), key).rejects.toThrow(/shape/);
      await expect(store.delete(key), key).rejects.toThrow(/shape/);
    }
    expect(() => readdirSync(root)).toThrow();
  });

  it('keeps files 0600 in 0700 folders, serves ranges, and deletes idempotently', async () => {
    const key = keyOf();
    await store.put(key, Readable.from([Buffer.from('hello world')]), info);
    expect(statSync(root).mode & 0o777).toBe(0o700);
    expect(statSync(join(root, ...key.split('/'))).mode & 0o777).toBe(0o600);
    expect(await text((await store.get(key, { start: 6, end: 10 })) as Readable)).toBe('world');
    await store.delete(key);
    await store.delete(key);
    expect(await store.get(key)).toBeNull();
  });

  it('a stream that fails mid-put leaves nothing under the key or beside it', async () => {
    const key = keyOf();
    const failing = new Readable({
      read() {
        this.push(Buffer.from('partial'));
        this.destroy(new Error('client went away'));
      },
    });
    await expect(store.put(key, failing, info)).rejects.toThrow('client went away');
    expect(await store.get(key)).toBeNull();
    expect(readdirSync(join(root, key.split('/')[0] ?? '', key.split('/')[1] ?? ''))).toEqual([]);
  });
});
