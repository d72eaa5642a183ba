#!/usr/bin/env bash
# `sbfn test` against its oracle, real Deno: the spec cases of tests/specs/test/ and the Web
# API suite tests/js/ give the same counts and exit codes under both (deno_oracle.py).
# Deno comes from npm (@deno/linux-x64-glibc) into a scratch folder, as for js.deno_oracle.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sbfn=$1
scratch=${DENO_SCRATCH:-${TMPDIR:-/tmp}/sbfn-deno}
deno="$scratch/node_modules/@deno/linux-x64-glibc/deno"
if [[ ! -x $deno ]]; then
  mkdir -p "$scratch" && echo '{"private":true}' >"$scratch/package.json"
  if ! (cd "$scratch" && npm install --no-audit --no-fund --loglevel=error @deno/linux-x64-glibc >/dev/null); then
    echo "run_deno_oracle: could not install Deno (@deno/linux-x64-glibc) from the npm registry" \
      "(${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org}); the oracle run needs it once" >&2
    exit 1
  fi
fi
exec python3 "$here/deno_oracle.py" "$deno" "$sbfn"
