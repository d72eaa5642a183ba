#!/usr/bin/env bash
# Runs the Web API conformance tests under real Deno, the oracle that proves each test
# asserts the right thing (the same files run in sbfn through tests/unit/test_js_conformance.cpp).
# Deno comes from npm (@deno/linux-x64-glibc) into a scratch folder, not the repository.
# The fetch tests' servers (servers/fetch_fixture.py) run on 127.0.0.1 meanwhile; their
# URLs reach the tests as SBFN_TEST_* variables.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
scratch=${DENO_SCRATCH:-${TMPDIR:-/tmp}/sbfn-deno}
deno="$scratch/node_modules/@deno/linux-x64-glibc/deno"
if [[ ! -x $deno ]]; then
  mkdir -p "$scratch" && echo '{"private":true}' >"$scratch/package.json"
  (cd "$scratch" && npm install --no-audit --no-fund --loglevel=error @deno/linux-x64-glibc >/dev/null)
fi
cd "$here"

# The fixture stops when its stdin closes: it is fed from a FIFO this script holds open.
fifo=$(mktemp -u "${TMPDIR:-/tmp}/sbfn-fixture.XXXXXX")
mkfifo "$fifo"
python3 servers/fetch_fixture.py <"$fifo" >"$fifo.json" &
fixture=$!
exec 3>"$fifo"
trap 'exec 3>&-; kill "$fixture" 2>/dev/null || true; wait "$fixture" 2>/dev/null || true; rm -f "$fifo" "$fifo.json"' EXIT
for _ in $(seq 100); do
  [[ -s $fifo.json ]] && break
  sleep 0.1
done
field() { python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$fifo.json" "$1"; }
export SBFN_TEST_HTTP=$(field http) SBFN_TEST_HTTPS=$(field https) SBFN_TEST_PROXY=$(field proxy)
export SBFN_TEST_CLOSED=$(field closed)
SBFN_TEST_CA=$(cat "$(field ca)")
export SBFN_TEST_CA
"$deno" test --quiet --no-check --allow-all *_test.js
