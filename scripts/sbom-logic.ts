/**
 * Checks a CycloneDX SBOM from `npm sbom` against the lockfile: every package installed from the
 * lockfile must appear with its exact version (platform-specific optional packages that are not
 * installed on this machine are not expected). Pure, so it is unit-tested without npm.
 */
export interface LockfilePackage {
  version?: string;
  link?: boolean;
}

export interface SbomComponent {
  name: string;
  group?: string;
  version: string;
}

export function missingFromSbom(
  lockPackages: Readonly<Record<string, LockfilePackage>>,
  components: readonly SbomComponent[],
  isInstalled: (lockPath: string) => boolean,
): string[] {
  const listed = new Set(components.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`));
  const missing: string[] = [];
  for (const [path, entry] of Object.entries(lockPackages)) {
    // The root and workspace folders (`packages/client`) are this project's own code, not
    // dependencies: the SBOM describes what they depend on.
    if (!path.startsWith('node_modules/') || entry.link || !entry.version || !isInstalled(path)) continue;
    const name = path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
    const id = `${name}@${entry.version}`;
    if (!listed.has(id)) missing.push(id);
  }
  return [...new Set(missing)].sort();
}
