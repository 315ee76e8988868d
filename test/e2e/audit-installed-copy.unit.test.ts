// @module-tag slow (runs npm pack and the packed binary: skipped by `npm run test:quick`)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/config/index.js';
import { type AdvisoryStandIn, findingsOf, startEmptyAdvisoryService } from '../helpers/audit-run.js';
import { cleanEnv, REPO_ROOT } from '../helpers/run-cli.js';

/**
 * An installed copy of Bulwark (issue 17 item 1), not a checkout: `npm pack` makes the package
 * as `npm publish` would (prepack writes npm-shrinkwrap.json, postpack removes it), it is
 * extracted into a temporary folder with the checkout's node_modules beside it, and
 * `node <copy>/dist/main.js audit` checks advisories against the shrinkwrap it shipped with.
 */

const run = promisify(execFile);
let root: string;
let copy: string;
let advisories: AdvisoryStandIn;
let packedFiles: string[];

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'bulwark-installed-'));
  advisories = await startEmptyAdvisoryService();
  const npm = (args: string[]) =>
    run('npm', args, {
      cwd: REPO_ROOT,
      env: cleanEnv({ npm_config_cache: join(root, 'npm-cache') }),
      timeout: 120_000,
    });
  // `npm pack` would also run "prepare" (a full build, rewriting the dist/ other tests run);
  // the build is done already, so run the pack hooks themselves around a pack without scripts.
  await npm(['run', 'prepack', '--silent']);
  try {
    const packed = await npm(['pack', '--ignore-scripts', '--json', '--pack-destination', root]);
    const [report] = JSON.parse(packed.stdout) as { filename: string; files: { path: string }[] }[];
    packedFiles = report?.files.map((file) => file.path) ?? [];
    await run('tar', ['-xzf', join(root, report?.filename ?? ''), '-C', root]);
  } finally {
    await npm(['run', 'postpack', '--silent']);
  }
  copy = join(root, 'package');
  symlinkSync(join(REPO_ROOT, 'node_modules'), join(copy, 'node_modules'), 'dir');
}, 180_000);

afterAll(async () => {
  await advisories?.close();
  rmSync(root, { recursive: true, force: true });
});

/** `node <copy>/dist/main.js audit --json`, run from outside the copy as an operator would. */
async function auditCopy(): Promise<Finding[]> {
  const args = ['audit', '--json', '--advisory-registry', advisories.url, '--data', join(root, 'data')];
  const result = await run(process.execPath, [join(copy, 'dist', 'main.js'), ...args], {
    cwd: root,
    env: cleanEnv({ npm_config_cache: join(root, 'npm-cache'), NODE_OPTIONS: '' }),
    timeout: 90_000,
  }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
  return findingsOf(result.stdout);
}

describe('an installed copy of Bulwark', () => {
  it('ships npm-shrinkwrap.json, the lockfile of the checkout, and no sources or tests', () => {
    expect(packedFiles).toContain('npm-shrinkwrap.json');
    expect(packedFiles).toContain('dist/main.js');
    expect(packedFiles.filter((path) => path.startsWith('src/') || path.startsWith('test/'))).toEqual([]);
    expect(readFileSync(join(copy, 'npm-shrinkwrap.json'), 'utf8')).toBe(
      `${JSON.stringify(JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')), null, 2)}\n`,
    );
    // postpack removed the copy: the checkout keeps package-lock.json as its only lockfile.
    expect(existsSync(join(REPO_ROOT, 'npm-shrinkwrap.json'))).toBe(false);
  });

  it('checks dependency advisories against its shrinkwrap', { timeout: 120_000 }, async () => {
    const before = advisories.requests.length;
    const ids = (await auditCopy()).map((finding) => finding.id);
    expect(ids).not.toContain('advisories-not-checked');
    expect(advisories.requests.slice(before)).toContain('POST /-/npm/v1/security/advisories/bulk');
  });

  it('says advisories were not checked, and why, when its lockfile is gone', { timeout: 120_000 }, async () => {
    rmSync(join(copy, 'npm-shrinkwrap.json'));
    const findings = await auditCopy();
    const notChecked = findings.find((finding) => finding.id === 'advisories-not-checked');
    expect(notChecked?.message).toContain(`no npm-shrinkwrap.json or package-lock.json in ${copy}`);
    expect(notChecked?.fix).toContain('npm-shrinkwrap.json');
  });
});
