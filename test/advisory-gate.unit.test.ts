import { describe, expect, it } from 'vitest';
import { evaluateAdvisoryGate } from '../scripts/advisory-gate-logic.js';

const NOW = Date.parse('2026-11-25T00:00:00Z');
const report = (severity: string) =>
  JSON.stringify({
    vulnerabilities: {
      leftpad: {
        severity,
        via: [{ source: 1, url: 'https://github.com/advisories/GHSA-xxxx', title: 'Prototype pollution', severity }],
      },
      wrapper: { severity, via: ['leftpad'] },
    },
    metadata: { vulnerabilities: { [severity]: 1 } },
  });

describe('the CI advisory gate', () => {
  it('fails on a high or critical advisory and names it', () => {
    for (const severity of ['high', 'critical']) {
      const verdict = evaluateAdvisoryGate(report(severity), [], NOW);
      expect(verdict.pass).toBe(false);
      expect(verdict.lines[0]).toBe(
        `advisory gate: FAIL ${severity} leftpad: Prototype pollution https://github.com/advisories/GHSA-xxxx`,
      );
    }
  });

  it('passes moderate advisories and a clean report', () => {
    expect(evaluateAdvisoryGate(report('moderate'), [], NOW).pass).toBe(true);
    expect(evaluateAdvisoryGate(JSON.stringify({ vulnerabilities: {} }), [], NOW).pass).toBe(true);
  });

  it('honours a dated exception only until it expires', () => {
    const exception = {
      advisory: 'https://github.com/advisories/GHSA-xxxx',
      package: 'leftpad',
      reason: 'no fixed version; not reachable from our code',
      expires: '2026-12-31',
    };
    expect(evaluateAdvisoryGate(report('high'), [exception], NOW).pass).toBe(true);
    expect(evaluateAdvisoryGate(report('high'), [{ ...exception, expires: '2026-11-01' }], NOW).pass).toBe(false);
    expect(evaluateAdvisoryGate(report('high'), [{ ...exception, package: 'other' }], NOW).pass).toBe(false);
  });

  it('says in one line that advisories were not checked when the service is unreachable', () => {
    const unreachable = JSON.stringify({
      message: '405 Method Not Allowed - POST https://registry/bulk',
      error: { summary: '' },
    });
    expect(evaluateAdvisoryGate(unreachable, [], NOW)).toEqual({
      pass: true,
      lines: ['advisory gate: advisories not checked (405 Method Not Allowed - POST https://registry/bulk)'],
    });
    expect(evaluateAdvisoryGate('', [], NOW, 'spawn npm ENOENT').lines).toEqual([
      'advisory gate: advisories not checked (spawn npm ENOENT)',
    ]);
  });
});
