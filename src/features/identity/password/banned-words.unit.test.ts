import { describe, expect, it } from 'vitest';
import { contextBannedWords, findBannedWord, foldLeetspeak } from './banned-words.js';

const words = contextBannedWords({
  name: 'Acme Shop',
  publicUrl: 'https://api.roadrunner.example',
  extraWords: ['Coyote', 'abc'],
});

describe('contextBannedWords', () => {
  it('holds the product name, the name run together and its long words, the host and its long labels, and the extra words', () => {
    expect(words.map(({ word }) => word)).toEqual([
      'bulwark',
      'acmeshop',
      'acme',
      'shop',
      'api.roadrunner.example',
      'roadrunner',
      'coyote',
      'abc',
    ]);
  });

  it('leaves out short name words and host labels, the top-level label and address literals', () => {
    const list = contextBannedWords({ name: 'My App', publicUrl: 'https://10.0.0.7:8443', extraWords: [] });
    expect(list.map(({ word }) => word)).toEqual(['bulwark', 'myapp']);
    const ipv6 = contextBannedWords({ publicUrl: 'https://[::1]', extraWords: [] });
    expect(ipv6.map(({ word }) => word)).toEqual(['bulwark']);
  });
});

describe('findBannedWord', () => {
  it.each([
    ['BULWARK lantern orbit', 'bulwark'],
    ['8ulw4rk lantern orbit', 'bulwark'],
    ['bu1wark lantern orbit', 'bulwark'],
    ['bu|w@rk lantern orbit', 'bulwark'],
    ['ＢＵＬＷＡＲＫ full width', 'bulwark'],
    ['orbit r0adrunn3r velvet', 'roadrunner'],
    ['orbit c0y0+e velvet', 'coyote'],
  ])('finds the word in %s', (password, word) => {
    expect(findBannedWord(password, words)).toBe(word);
  });

  it('finds nothing in a password without them', () => {
    expect(findBannedWord('violet tractor harbour lantern 77', words)).toBeNull();
  });

  it('reads 1 as both i and l', () => {
    expect(foldLeetspeak('b1t')).toEqual(['bit', 'blt']);
  });
});
