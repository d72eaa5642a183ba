#!/usr/bin/env bash
# The Web API conformance tests through `sbfn test` itself, end to end (the same files
# js.deno_oracle runs under Deno, and tests/unit/test_js_conformance.cpp runs worker by
# worker): every one must pass.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
sbfn=$1
cd "$here"
exec python3 servers/with_fixtures.py "$sbfn" test
