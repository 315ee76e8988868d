import { describe, expect, it } from 'vitest';
import { pathToNul } from './nul-guard.js';

describe('pathToNul', () => {
  it('finds no NUL in clean values', () => {
    expect(pathToNul({ a: 'x', b: [1, 'y', { c: null }], d: true })).toBeUndefined();
    expect(pathToNul(undefined)).toBeUndefined();
  });

  it('names the path of a string holding NUL', () => {
    expect(pathToNul('a\u0000')).toBe('');
    expect(pathToNul({ a: { b: ['ok', 'x\u0000'] } })).toBe('a.b.1');
  });

  it('names the object holding a key with NUL, never the key itself', () => {
    expect(pathToNul({ a: { 'k\u0000': 1 } })).toBe('a');
  });

  it('walks a 300,000-item array', () => {
    const items: unknown[] = Array(300_000).fill('ok');
    items[299_999] = '\u0000';
    expect(pathToNul({ items })).toBe('items.299999');
  });
});
