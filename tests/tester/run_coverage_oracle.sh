#!/usr/bin/env bash
# `sbfn test --coverage` against its oracle, real Deno: the same fixture's lcov.info must say
# the same lines ran and never ran (coverage_test.py with Deno given). Deno comes from npm
# (@deno/linux-x64-glibc) into a scratch folder, as for tester.deno_oracle.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sbfn=$1
scratch=${DENO_SCRATCH:-${TMPDIR:-/tmp}/sbfn-deno}
deno="$scratch/node_modules/@deno/linux-x64-glibc/deno"
if [[ ! -x $deno ]]; then
  mkdir -p "$scratch" && echo '{"private":true}' >"$scratch/package.json"
  if ! (cd "$scratch" && npm install --no-audit --no-fund --loglevel=error @deno/linux-x64-glibc >/dev/null); then
    echo "run_coverage_oracle: could not install Deno (@deno/linux-x64-glibc) from the npm registry" \
      "(${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}); the oracle run needs it once" >&2
    exit 1
  fi
fi
exec python3 "$here/coverage_test.py" "$sbfn" "$deno"
