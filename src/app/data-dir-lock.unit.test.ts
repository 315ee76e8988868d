import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { holdDataDir, LOCK_FILE, PID_FILE } from './data-dir-lock.js';
import { StartRefusedError } from './start-refused.js';

let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'bulwark-lock-unit-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

describe('holdDataDir', () => {
  it('a second hold on a held folder is refused naming the folder and the holder, and works once released', () => {
    const first = holdDataDir(dataDir);
    expect(readFileSync(join(dataDir, PID_FILE), 'utf8')).toBe(`${process.pid}\n`);
    expect(statSync(join(dataDir, LOCK_FILE)).mode & 0o777).toBe(0o600);

    let refusal: unknown;
    try {
      holdDataDir(dataDir);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(StartRefusedError);
    expect((refusal as StartRefusedError).findings).toEqual([
      expect.objectContaining({
        id: 'data-folder-in-use',
        message: `another Bulwark server (pid ${process.pid}) is using the data folder ${dataDir}`,
      }),
    ]);

    first.release();
    expect(existsSync(join(dataDir, PID_FILE))).toBe(false);
    const second = holdDataDir(dataDir);
    second.release();
  });
});
