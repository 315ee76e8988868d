import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type LockfilePackage, missingFromSbom, type SbomComponent } from './sbom-logic.js';

/**
 * CI's software bill of materials: `npm sbom` (CycloneDX, offline, from the lockfile and the
 * installed tree) written to artifacts/sbom.cdx.json, checked complete against the lockfile.
 * One line on success; exit 1 naming what is missing.
 */
const root = process.cwd();
const sbom = execFileSync('npm', ['sbom', '--sbom-format', 'cyclonedx'], {
  encoding: 'utf8',
  maxBuffer: 64 * 1024 * 1024,
  timeout: 120_000,
});
const parsed = JSON.parse(sbom) as { specVersion: string; components: SbomComponent[] };
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, LockfilePackage>;
};
const missing = missingFromSbom(lock.packages, parsed.components, (path) =>
  existsSync(join(root, path, 'package.json')),
);
mkdirSync(join(root, 'artifacts'), { recursive: true });
writeFileSync(join(root, 'artifacts', 'sbom.cdx.json'), sbom);
if (missing.length > 0) {
  process.stdout.write(`sbom: ${missing.length} installed packages missing from the SBOM: ${missing.join(', ')}\n`);
  process.exitCode = 1;
} else {
  process.stdout.write(
    `sbom: ${parsed.components.length} components (CycloneDX ${parsed.specVersion}) → artifacts/sbom.cdx.json\n`,
  );
}
