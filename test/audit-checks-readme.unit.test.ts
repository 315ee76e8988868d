import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEPLOYMENT_CHECKS } from '../src/cli/audit/index.js';
import { CONFIG_CHECKS } from '../src/config/index.js';

/** The README's audit section names every check `bulwark audit` can report, so an operator can look each up. */
const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const section = README.slice(
  README.indexOf('## Operations: auditing a deployment'),
  README.indexOf('\n## ', README.indexOf('## Operations: auditing a deployment') + 1),
);
/** The ids dependency-advisories.ts reports. */
const ADVISORY_IDS = ['vulnerable-dependencies', 'moderate-dependency-advisories', 'advisories-not-checked'];

describe('README: Operations: auditing a deployment', () => {
  it('names every check by its id', () => {
    const ids = [...CONFIG_CHECKS, ...DEPLOYMENT_CHECKS].map((check) => check.id).concat(ADVISORY_IDS);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.filter((id) => !section.includes(`\`${id}\``))).toEqual([]);
  });
});
