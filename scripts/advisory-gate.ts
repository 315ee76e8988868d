import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { type AdvisoryException, evaluateAdvisoryGate } from './advisory-gate-logic.js';

/**
 * CI's vulnerable-components gate: `npm audit --json` over all dependencies (dev included,
 * since they run in CI), failing on any high or critical advisory not covered by a dated,
 * reasoned exception in advisory-exceptions.json. When the advisory service cannot be reached
 * it says so in one line and lets CI go on; it never turns findings into a pass.
 */
const exceptions = JSON.parse(
  readFileSync(new URL('../advisory-exceptions.json', import.meta.url), 'utf8'),
) as AdvisoryException[];
const registry = process.argv.includes('--registry') ? process.argv[process.argv.indexOf('--registry') + 1] : undefined;

execFile(
  'npm',
  ['audit', '--json', ...(registry ? ['--registry', registry] : [])],
  { timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
  (error, stdout) => {
    const verdict = evaluateAdvisoryGate(stdout, exceptions, Date.now(), error?.message);
    for (const line of verdict.lines) process.stdout.write(`${line}\n`);
    process.exitCode = verdict.pass ? 0 : 1;
  },
);
