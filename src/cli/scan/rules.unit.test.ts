import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCAN_RULES } from './rules.js';

const README = readFileSync(new URL('../../../README.md', import.meta.url), 'utf8');
const start = README.indexOf('## Scanning a backend: `bulwark scan`');
const section = README.slice(start, README.indexOf('\n## ', start + 1));

describe('scan rules', () => {
  it('have unique ids', () => {
    const ids = SCAN_RULES.map((rule) => rule.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('are each named in the README section on bulwark scan, so an operator can look a finding up', () => {
    expect(start).toBeGreaterThan(0);
    expect(SCAN_RULES.map((rule) => rule.id).filter((id) => !section.includes(`\`${id}\``))).toEqual([]);
  });
});
