#!/usr/bin/env bash
# Runs the Web API conformance tests under real Deno, the oracle that proves each test
# asserts the right thing (the same files run in sbfn through tests/unit/test_js_conformance.cpp).
# Deno comes from npm (@deno/linux-x64-glibc) into a scratch folder, not the repository.
# CTest runs it as `js.deno_oracle`: it needs the npm registry once (then the scratch
# folder is reused), and fails saying so when the registry cannot be reached.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
deno=$("$here/../deno.sh")
cd "$here"
# The servers the network tests talk to (servers/*_fixture.py) run for the whole suite;
# the tests may reach them and read their addresses, and write under the temp dir.
exec python3 servers/with_fixtures.py "$deno" test --quiet --no-check \
  --allow-env --allow-net --allow-read --allow-write="${TMPDIR:-/tmp}" *_test.js
