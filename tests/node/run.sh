#!/usr/bin/env bash
# The node: built-in tests (tests/node/*_test.js, one file per built-in) under `sbfn test`
# and under real Deno, which implements the same node: modules: every test must pass in both.
#   run.sh sbfn PATH-TO-SBFN [FILE...]     run.sh deno [FILE...]     (default: every file)
# The fixture servers of tests/js/servers/ run around either (their addresses in SBFN_TEST_*).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
[[ ${1:-} != sbfn || -z ${2:-} ]] || set -- sbfn "$(realpath "$2")" "${@:3}"  # before the cd
cd "$here"
case ${1:-} in
  sbfn)
    sbfn=$2
    shift 2
    # From tests/: sbfn test reads only inside the project folder it runs in, and the
    # test files import ../js/assert.js.
    [[ $# -gt 0 ]] || set -- *_test.js
    cd ..
    exec python3 js/servers/with_fixtures.py "$sbfn" test "${@/#/node/}" ;;
  deno)
    deno=$("$here/../deno.sh")
    shift
    [[ $# -gt 0 ]] || set -- *_test.js
    exec python3 ../js/servers/with_fixtures.py "$deno" test --quiet --no-check \
      --allow-env --allow-net --allow-read --allow-sys --allow-write="${TMPDIR:-/tmp}" "$@" ;;
  *) echo "usage: run.sh sbfn PATH-TO-SBFN | run.sh deno" >&2; exit 2 ;;
esac
