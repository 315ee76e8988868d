import { code, header } from './markdown.js';

/** Files and scripts the policy names; a test checks each exists, so the policy cannot point at nothing. */
export const DEPENDENCY_POLICY_FILES = [
  'package.json',
  'package-lock.json',
  'advisory-exceptions.json',
  'scripts/advisory-gate.ts',
  'scripts/advisory-gate-logic.ts',
  'scripts/sbom.ts',
  'scripts/sbom-logic.ts',
  '.ci/run',
  'src/cli/dependency-advisories.ts',
  'README.md',
] as const;

/** What the policy reads from package.json: the counts and the overrides stay true to it. */
export interface PackageFacts {
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  overrides?: Record<string, string>;
}

/** docs/security/dependency-update-policy.md: how dependencies are chosen, pinned, checked and updated. */
export function renderDependencyPolicy(pkg: PackageFacts): string {
  const overrides = Object.entries(pkg.overrides ?? {}).map(([name, version]) => `${code(name)} at ${code(version)}`);
  return [
    ...header('Dependency update policy', '`package.json` and this policy in `src/docs/security/dependency-policy.ts`'),
    'ASVS 5.0 V15.1.1 (remediation time frames for third-party components) and V15.1.2 (an',
    'inventory of components, SBOM).',
    '',
    '## Choosing',
    '',
    `${Object.keys(pkg.dependencies).length} runtime and ${Object.keys(pkg.devDependencies).length} development dependencies.`,
    'A runtime dependency is added only when it beats writing the code ourselves: a protocol or',
    'format we should not own (TLS-adjacent clients, WebAuthn, OIDC, S3), or a widely used,',
    'maintained library whose alternative is a hand-written security-sensitive piece. Each one is',
    'named in the README ("Dependencies and why") with what it does for us; a pull request that',
    'adds one adds its row. Pure-JavaScript packages are preferred to native builds; packages with',
    'install scripts, few maintainers or no release in a year need a stated reason.',
    '',
    '## Pinning',
    '',
    `- ${code('package-lock.json')} pins every package, direct and transitive, to an exact version and`,
    '  integrity hash; CI installs with `npm ci`, which refuses a lockfile that disagrees with',
    '  `package.json`. `lockfile-lint` (in `.ci/run`) refuses any entry not fetched over https from',
    '  the npm registry or without an integrity hash.',
    `- Overrides in ${code('package.json')} force a fixed version of a transitive package where the direct`,
    `  dependency lags behind a fix: ${overrides.length > 0 ? overrides.join(', ') : 'none today'}. Each is removed once the`,
    '  direct dependency moves past it.',
    `- A known advisory that cannot be fixed yet is accepted only in ${code('advisory-exceptions.json')}, with`,
    '  its id, a reason and an expiry date; an expired exception counts as a finding again.',
    '',
    '## Checking',
    '',
    `- Every CI run (${code('.ci/run')}): ${code('scripts/advisory-gate.ts')} (rules in ${code('scripts/advisory-gate-logic.ts')}) runs \`npm audit\` over all`,
    '  dependencies and fails on any high or critical advisory not covered by a live exception;',
    '  when the advisory service cannot be reached it says so and never reports a pass.',
    `- Every CI run: ${code('scripts/sbom.ts')} (checks in ${code('scripts/sbom-logic.ts')}) writes a CycloneDX SBOM (\`npm sbom\`) to`,
    '  `artifacts/sbom.cdx.json` and fails when a locked package is missing from it.',
    `- On a deployment: \`bulwark audit\` checks the installed dependencies against the advisory`,
    `  service (${code('src/cli/dependency-advisories.ts')}), "not checked" when unreachable.`,
    '',
    '## Updating',
    '',
    '| finding | time to fix |',
    '| --- | --- |',
    '| critical advisory in a runtime dependency | 48 hours: update, override or remove; else a dated exception with the mitigation |',
    '| high advisory | 7 days |',
    '| moderate or low advisory | the next monthly update |',
    '| no advisory | monthly: `npm outdated`, patch and minor updates with the full test suite; major updates planned, one at a time |',
    '',
    'An update is a pull request with the lockfile change, the suite green on SQLite and',
    'PostgreSQL, and the README rows kept true. Node.js itself follows its release schedule: only',
    'maintained LTS lines are supported (`engines` in `package.json`).',
    '',
  ].join('\n');
}
