// @module-tag slow (runs the compiler: skipped by `npm run test:quick`)
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * ASVS V15.2.3: production gets only what it needs. Builds the server exactly as `npm run build`
 * does (tsconfig.build.json), into a temporary folder, and checks what came out: no test files,
 * no test helpers or fixtures, nothing that imports a development-only package (fast-check,
 * vitest, the OIDC test provider, the mail sink's SMTP server, a browser driver), and no import
 * that reaches outside the build (into test/ or an excluded folder).
 */

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const PACKAGE = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};
/** Type-checking is `tsc --noEmit`'s job in CI; this only needs what the build emits. */
const BUILD_TIMEOUT_MS = 180_000;

let outDir: string;
let files: string[];

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? walk(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'bulwark-build-'));
  const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
  await promisify(execFile)(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--outDir', outDir, '--noCheck'], {
    cwd: ROOT,
  });
  files = walk(outDir).map((file) => relative(outDir, file));
}, BUILD_TIMEOUT_MS);
afterAll(() => {
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

/** Every module specifier a compiled file imports, statically or dynamically. */
function importsOf(source: string): string[] {
  // A module specifier holds no whitespace: so a string next to the word "from" in code
  // (`parseInstant('from', raw.from, …)`) is not taken for an import.
  const patterns = [
    /\bfrom\s*['"]([^'"\s]+)['"]/g,
    /\bimport\s*['"]([^'"\s]+)['"]/g,
    /\bimport\(\s*['"]([^'"\s]+)['"]\s*\)/g,
  ];
  return patterns.flatMap((pattern) => [...source.matchAll(pattern)].map((match) => match[1] as string));
}

const packageName = (specifier: string) =>
  specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] as string);
const isBuiltin = (specifier: string) =>
  specifier.startsWith('node:') || builtinModules.includes(packageName(specifier));

describe('V15.2.3 the production build holds no test code', () => {
  it('emits the server, and nothing named or placed like a test, helper or fixture', () => {
    expect(files).toContain('main.js');
    const testLike = files.filter((file) =>
      /(^|\/)(test|tests|testing|fixtures|__tests__|__mocks__)\/|\.(test|spec)\.(js|d\.ts|js\.map)$|(^|\/)(test-app|collections-client|pipeline-routes|mail-sink|oidc-provider|soft-authenticator)\./.test(
        file,
      ),
    );
    expect(testLike).toEqual([]);
  });

  it('imports only runtime dependencies and Node built-ins, never a development-only package', () => {
    const devOnly = new Set(Object.keys(PACKAGE.devDependencies));
    const runtime = new Set(Object.keys(PACKAGE.dependencies));
    const problems: string[] = [];
    for (const file of files.filter((name) => name.endsWith('.js'))) {
      const source = readFileSync(join(outDir, file), 'utf8');
      for (const specifier of importsOf(source)) {
        if (isBuiltin(specifier)) continue;
        if (specifier.startsWith('.')) {
          // A relative import must land inside the build: not in test/, not in an excluded folder.
          const target = resolve(dirname(join(outDir, file)), specifier);
          if (!target.startsWith(`${outDir}/`) || !existsSync(target)) problems.push(`${file} imports ${specifier}`);
        } else if (devOnly.has(packageName(specifier)) || !runtime.has(packageName(specifier))) {
          problems.push(`${file} imports ${specifier}, which is not a runtime dependency`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('registers no test-only route and carries no test data', () => {
    const leaks = files
      .filter((name) => name.endsWith('.js'))
      .filter((file) => /['"`]\/api\/test\/|fast-check|vitest/.test(readFileSync(join(outDir, file), 'utf8')));
    expect(leaks).toEqual([]);
  });
});
