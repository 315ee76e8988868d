import { describe, expect, it } from 'vitest';
import { parseRange } from './byte-range.js';
import { isValidFileLink, signFileLink } from './file-links.js';
import { contentDisposition, downloadName, sanitiseFileName } from './file-names.js';

describe('byte ranges (RFC 9110 §14.1.2), one range only', () => {
  it.each([
    [undefined, { kind: 'whole' }],
    ['bytes=0-0', { kind: 'part', start: 0, end: 0 }],
    ['bytes=2-', { kind: 'part', start: 2, end: 9 }],
    ['bytes=5-100', { kind: 'part', start: 5, end: 9 }],
    ['bytes=-3', { kind: 'part', start: 7, end: 9 }],
    ['bytes=-100', { kind: 'part', start: 0, end: 9 }],
    ['bytes=10-', { kind: 'unsatisfiable' }],
    ['bytes=-0', { kind: 'unsatisfiable' }],
    ['bytes=5-3', { kind: 'unsatisfiable' }],
    ['bytes=0-1,3-4', { kind: 'whole' }],
    ['items=0-1', { kind: 'whole' }],
    ['bytes=-', { kind: 'whole' }],
    ['bytes=1e3-', { kind: 'whole' }],
  ])('%s of a 10-byte file → %j', (header, expected) => {
    expect(parseRange(header, 10)).toEqual(expected);
  });
});

describe('file names', () => {
  it('keep no path, control, format or leading-dot characters, and stay short', () => {
    expect(sanitiseFileName('..\\..//a/b\\c.png')).toBe('c.png');
    expect(sanitiseFileName('\u202Egnp.exe\u200B')).toBe('gnp.exe');
    expect(sanitiseFileName(' ..')).toBe('file');
    expect([...sanitiseFileName('é'.repeat(500))].length).toBe(200);
  });
  it('take the sniffed extension and encode per RFC 6266/8187 without breaking the header', () => {
    expect(downloadName('report.exe', 'pdf')).toBe('report.pdf');
    expect(downloadName('README', 'pdf')).toBe('README.pdf');
    expect(contentDisposition('attachment', 'a"b\\c%d\r\n.pdf')).toBe(
      `attachment; filename="a_b_c_d__.pdf"; filename*=UTF-8''a%22b%5Cc%25d%0D%0A.pdf`,
    );
  });
});

describe('signed file links', () => {
  const key = Buffer.alloc(32, 7);
  const nowMs = 1_800_000_000_000;
  const parse = (link: string) => Object.fromEntries(new URL(`http://x${link}`).searchParams) as Record<string, string>;
  it('hold for their file until they expire, and for nothing else', () => {
    const { expires, sig } = parse(signFileLink(key, 'f1', nowMs / 1000 + 60));
    expect(isValidFileLink(key, 'f1', expires, sig, nowMs)).toBe(true);
    expect(isValidFileLink(key, 'f1', expires, sig, nowMs + 60_000)).toBe(false);
    expect(isValidFileLink(key, 'f2', expires, sig, nowMs)).toBe(false);
    expect(isValidFileLink(Buffer.alloc(32, 8), 'f1', expires, sig, nowMs)).toBe(false);
    expect(isValidFileLink(key, 'f1', String(Number(expires) + 1), sig, nowMs)).toBe(false);
    for (const bad of ['', '1e9', '-1', ' 1', '0x10']) expect(isValidFileLink(key, 'f1', bad, sig, nowMs)).toBe(false);
    expect(isValidFileLink(key, 'f1', expires, `${sig}=`, nowMs)).toBe(false);
  });
});
