#!/usr/bin/env bash
# The node: built-in tests (tests/node/*_test.js, one file per built-in) under `sbfn test`
# and under real Deno, which implements the same node: modules: every test must pass in both.
#   run.sh sbfn PATH-TO-SBFN [FILE...]     run.sh deno [FILE...]     (default: every file)
# The fixture servers of tests/js/servers/ run around either (their addresses in SBFN_TEST_*).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
case ${1:-} in
  sbfn)
    sbfn=$(realpath "$2")
    shift 2
    exec python3 ../js/servers/with_fixtures.py "$sbfn" test "$@" ;;
  deno)
    deno=$("$here/../deno.sh")
    shift
    [[ $# -gt 0 ]] || set -- *_test.js
    exec python3 ../js/servers/with_fixtures.py "$deno" test --quiet --no-check \
      --allow-env --allow-net --allow-read --allow-sys --allow-write="${TMPDIR:-/tmp}" "$@" ;;
  *) echo "usage: run.sh sbfn PATH-TO-SBFN | run.sh deno" >&2; exit 2 ;;
esac
