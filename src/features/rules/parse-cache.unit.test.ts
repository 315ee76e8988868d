import { describe, expect, it } from 'vitest';
import { isRuleError } from './errors.js';
import { MAX_CACHED_RULES, parseRuleCached } from './parse-cache.js';
import { parseRule } from './parser.js';

describe('parseRuleCached', () => {
  it('gives the tree parseRule gives, and the same frozen tree for the same text', () => {
    const text = 'owner = @request.auth.id && title ~ "x"';
    const tree = parseRuleCached(text);
    expect(tree).toEqual(parseRule(text));
    expect(parseRuleCached(text)).toBe(tree);
    expect(Object.isFrozen(tree)).toBe(true);
    expect(() => {
      (tree as { kind: string }).kind = 'or';
    }).toThrow(TypeError);
  });

  it('keys by the exact text: a changed rule is parsed afresh', () => {
    expect(parseRuleCached('owner = @request.auth.id')).not.toEqual(parseRuleCached('owner != @request.auth.id'));
    expect(parseRuleCached(' ')).toBeNull();
  });

  it('does not remember text that fails: it throws the same rule error every time', () => {
    for (let i = 0; i < 2; i++) {
      try {
        parseRuleCached('owner = ');
        expect.unreachable();
      } catch (error) {
        expect(isRuleError(error)).toBe(true);
      }
    }
  });

  it('stays bounded whatever texts arrive', () => {
    const first = parseRuleCached('title = "first"');
    for (let i = 0; i < MAX_CACHED_RULES; i++) parseRuleCached(`title = "${i}"`);
    const again = parseRuleCached('title = "first"');
    expect(again).toEqual(first);
    expect(again).not.toBe(first);
  });
});
