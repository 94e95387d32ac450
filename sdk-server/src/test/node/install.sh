#!/usr/bin/env bash
# Installs the npm test peer of sdk-server (the official openai client) into sdk-server/target/npm.
# Called by .ci/run before the build, and by hand on a laptop: sdk-server/src/test/node/install.sh
# The *IT tests look for target/npm/node_modules/openai; with CI=true they fail when it is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${1:-$here/../../../target/npm}"
mkdir -p "$prefix"
cp "$here/package.json" "$prefix/package.json"
cd "$prefix"
npm install --no-audit --no-fund --loglevel=error >&2
node -e "import('openai').then(m => console.log('openai installed in ' + process.cwd()))"
