#!/usr/bin/env bash
# Installs the npm test peers of sdk-robotics (roslib 2.1.0, ws) into sdk-robotics/target/npm.
# Called by .ci/run before the build, and by hand on a laptop: sdk-robotics/src/test/node/install.sh
# The *IT tests look for target/npm/node_modules/roslib; with CI=true they fail when it is missing.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
prefix="${1:-$here/../../../target/npm}"
mkdir -p "$prefix"
cp "$here/package.json" "$prefix/package.json"
cd "$prefix"
npm install --no-audit --no-fund --loglevel=error >&2
node -e "import('roslib').then(() => console.log('roslib installed in ' + process.cwd()))"
