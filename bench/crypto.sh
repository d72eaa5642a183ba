#!/usr/bin/env bash
# Side-by-side crypto.subtle benchmark: HMAC-SHA256 sign of 1 KB and SHA-256 of 1 MB,
# each timed inside the runtime by bench/crypto_bench.js, in sbfn (`sbfn test`) and in
# Deno (`deno test`), in the same run. Prints ops/s and the sbfn/deno ratio. Never part
# of `make test`.
#   [SBFN=binary] bench/crypto.sh [seconds per figure, default 3]
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
export BENCH_SECONDS=${1:-3}
sbfn="${SBFN:-$top/build/sbfn}"
source "$top/bench/common.sh"

cp "$top/bench/crypto_bench.js" "$work/crypto_bench_test.js"
cd "$work"
"$sbfn" test crypto_bench_test.js >"$work/sbfn.out" 2>&1 || { cat "$work/sbfn.out"; exit 1; }
DENO_DIR="$work/deno-cache" "$deno" test --quiet --allow-env crypto_bench_test.js >"$work/deno.out" 2>&1 ||
  { cat "$work/deno.out"; exit 1; }

figure() { awk -v n="$2" '$1 == "BENCH" && $2 == n {print $3}' "$1"; }
printf '%-18s %14s %14s %8s\n' "crypto.subtle" "sbfn ops/s" "deno ops/s" "ratio"
for name in hmac_sha256_1kb sha256_1mb; do
  s=$(figure "$work/sbfn.out" $name)
  d=$(figure "$work/deno.out" $name)
  printf '%-18s %14s %14s %8s\n' "$name" "$s" "$d" "$(awk -v s="$s" -v d="$d" 'BEGIN {printf "%.2f", s / d}')"
done
