#!/usr/bin/env bash
# The node: built-in tests (tests/node/*_test.js, one file per built-in) under `sbfn test`
# and under real Deno, which implements the same node: modules: every test must pass in both.
#   run.sh sbfn PATH-TO-SBFN [FILE...]     run.sh deno [FILE...]     (default: every file)
# They run from tests/, the project both read files from (the shared ../js/assert.js); the
# fixture servers of tests/js/servers/ run around either (their addresses in SBFN_TEST_*).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ ${1:-} == sbfn && -n ${2:-} ]] && sbfn=$(realpath "$2")
mode=${1:-}
if [[ $mode == sbfn ]]; then shift 2; else shift || true; fi
files=()
for f in "$@"; do files+=("node/$(basename "$f")"); done
cd "$here/.."
case $mode in
  sbfn)
    [[ ${#files[@]} -gt 0 ]] || files=(node/)
    exec python3 js/servers/with_fixtures.py "$sbfn" test "${files[@]}" ;;
  deno)
    deno=$("$here/../deno.sh")
    [[ ${#files[@]} -gt 0 ]] || files=(node/*_test.js)
    exec python3 js/servers/with_fixtures.py "$deno" test --quiet --no-check \
      --allow-env --allow-net --allow-read --allow-sys --allow-write="${TMPDIR:-/tmp}" "${files[@]}" ;;
  *) echo "usage: run.sh sbfn PATH-TO-SBFN [FILE...] | run.sh deno [FILE...]" >&2; exit 2 ;;
esac
