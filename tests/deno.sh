#!/usr/bin/env bash
# Prints the path of real Deno, the oracle the tests compare sbfn with, installing it from
# the npm registry (@deno/linux-x64-glibc) into a scratch folder the first time:
#   deno=$(tests/deno.sh)           # the version the oracles are written against
#   deno=$(tests/deno.sh 2.1.4)     # another one (the lockfile oracle's v4)
# Fails, saying so, when the registry cannot be reached. Concurrent callers (ctest -j)
# wait for one install instead of racing npm in the same folder.
set -euo pipefail
version=${1:-2.9.6}
dir=${DENO_SCRATCH:-${TMPDIR:-/tmp}/sbfn-deno}-$version
deno="$dir/node_modules/@deno/linux-x64-glibc/deno"
mkdir -p "$dir"
exec 9>"$dir/.lock"
flock 9
if [[ ! -x $deno ]]; then
  echo '{"private":true}' >"$dir/package.json"
  if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
    "@deno/linux-x64-glibc@$version" >/dev/null); then
    echo "tests/deno.sh: could not install Deno $version (@deno/linux-x64-glibc) from the npm" \
      "registry (${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}); the oracle run needs it once" >&2
    exit 1
  fi
fi
echo "$deno"
