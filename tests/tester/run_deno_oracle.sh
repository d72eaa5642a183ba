#!/usr/bin/env bash
# `sbfn test` against its oracle, real Deno: the spec cases of tests/specs/test/ and the Web
# API suite tests/js/ give the same counts and exit codes under both (deno_oracle.py).
# Deno comes from tests/deno.sh.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sbfn=$1
deno=$("$here/../deno.sh")
exec python3 "$here/deno_oracle.py" "$deno" "$sbfn"
