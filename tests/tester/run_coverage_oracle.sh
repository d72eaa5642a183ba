#!/usr/bin/env bash
# `sbfn test --coverage` against its oracle, real Deno: the same fixture's lcov.info must say
# the same lines ran and never ran (coverage_test.py with Deno given). Deno comes from npm
# (tests/deno.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sbfn=$1
deno=$("$here/../deno.sh")
exec python3 "$here/coverage_test.py" "$sbfn" "$deno"
