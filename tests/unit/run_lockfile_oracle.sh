#!/usr/bin/env bash
# Runs the deno.lock oracle (test_bundler_lockfile_oracle.cpp): Deno 2.9.6 (lockfile v5)
# and Deno 2.1.4 (v4, the version Supabase's edge runtime embeds) from npm, installed once
# into a scratch folder, write deno.lock for a project served by the fixture registries;
# sbfn's reader, writer and resolvers must reproduce it byte for byte.
# Usage: run_lockfile_oracle.sh path/to/sbfn_unit. Fails, saying so, without the registry.
set -euo pipefail
unit=$1
scratch=${DENO_SCRATCH:-${TMPDIR:-/tmp}/sbfn-deno}
install() {  # version -> path of the deno binary
  local dir="$scratch-$1"
  local deno="$dir/node_modules/@deno/linux-x64-glibc/deno"
  if [[ ! -x $deno ]]; then
    mkdir -p "$dir" && echo '{"private":true}' >"$dir/package.json"
    if ! (cd "$dir" && npm install --no-audit --no-fund --loglevel=error \
      "@deno/linux-x64-glibc@$1" >/dev/null); then
      echo "run_lockfile_oracle: could not install Deno $1 (@deno/linux-x64-glibc) from the npm" \
        "registry (${NPM_CONFIG_REGISTRY:-https://registry.npmjs.org})" >&2
      exit 1
    fi
  fi
  echo "$deno"
}
SBFN_DENO_V5=$(install 2.9.6)
SBFN_DENO_V4=$(install 2.1.4)
export SBFN_DENO_V5 SBFN_DENO_V4
exec "$unit" --no-skip --test-case="bundler deno.lock oracle*"
