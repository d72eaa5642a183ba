#!/usr/bin/env bash
# Runs the deno.lock oracle (test_bundler_lockfile_oracle.cpp): Deno 2.9.6 (lockfile v5)
# and Deno 2.1.4 (v4, the version Supabase's edge runtime embeds) from npm, installed once
# into a scratch folder, write deno.lock for a project served by the fixture registries;
# sbfn's reader, writer and resolvers must reproduce it byte for byte.
# Usage: run_lockfile_oracle.sh path/to/sbfn_unit. Fails, saying so, without the registry.
set -euo pipefail
unit=$1
here=$(cd "$(dirname "$0")" && pwd)
SBFN_DENO_V5=$("$here/../deno.sh" 2.9.6)
SBFN_DENO_V4=$("$here/../deno.sh" 2.1.4)
export SBFN_DENO_V5 SBFN_DENO_V4
exec "$unit" --no-skip --test-case="bundler deno.lock oracle*"
