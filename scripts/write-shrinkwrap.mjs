// Run by `npm pack` / `npm publish` (package.json "prepack"): copies package-lock.json to
// npm-shrinkwrap.json, the one lockfile npm keeps inside a published package. An installed
// copy of Bulwark then has the exact dependency tree it was tested with, and `bulwark audit`
// has a lockfile to check advisories against. "postpack" removes the copy again, so the
// checkout keeps package-lock.json as its only lockfile (npm would otherwise prefer this one).
import { readFileSync, rmSync, writeFileSync } from 'node:fs';

const SHRINKWRAP = 'npm-shrinkwrap.json';

if (process.argv[2] === '--remove') {
  rmSync(SHRINKWRAP, { force: true });
} else {
  const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
  // A lock written for another version would pin a tree nobody tested with this package.json.
  if (lock.name !== manifest.name || lock.version !== manifest.version || !(lock.lockfileVersion >= 2)) {
    console.error(
      `package-lock.json (${lock.name}@${lock.version}, lockfile v${lock.lockfileVersion}) does not match package.json (${manifest.name}@${manifest.version}); fix: run npm install, then pack again`,
    );
    process.exit(1);
  }
  writeFileSync(SHRINKWRAP, `${JSON.stringify(lock, null, 2)}\n`);
}
